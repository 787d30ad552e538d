/**
 * One bad thing never stops the rest: a state entry whose offsets do not fit stops that file alone
 * (no duplicates, no silent re-read from 0); a batch ingest keeps failing is shown in `agent status`
 * while the other files keep shipping; a 409 (the bytes of a pending range changed) makes the agent
 * read the file again under a new id instead of exiting; a path that cannot be tailed is stopped alone.
 * The agent runs against the real ingest app in-process; the failures only a broken or newer ingest
 * gives (5xx for one file's batches, a crash between store and commit) are made in front of it.
 */
import { appendFile, copyFile, mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect } from 'vitest';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import { createLogger } from '../../lib/log/index.ts';
import { BatchBuilder } from '../../shipper-agent/batching/batch-builder.ts';
import { IngestRejectedError } from '../../shipper-agent/errors.ts';
import { compilePatterns } from '../../shipper-agent/finding/discovery.ts';
import { resolveAgentOptions } from '../../shipper-agent/options.ts';
import { FileTracker } from '../../shipper-agent/rotation/tracker.ts';
import { STATE_FILE } from '../../shipper-agent/state/durability.ts';
import { emptyState } from '../../shipper-agent/state/schema.ts';
import { formatStatus } from '../../shipper-agent/status.ts';
import { jsonLines, test, waitFor } from './fixtures.ts';
import { expectedPaths, inProcessIngest, startTestAgent } from './in-process.ts';

const sorted = (...lists: string[][]) => lists.flat().sort();

async function editState(stateDir: string, edit: (files: Array<Record<string, unknown>>) => void) {
  const path = join(stateDir, STATE_FILE);
  const state = JSON.parse(await readFile(path, 'utf8'));
  edit(state.files);
  await writeFile(path, JSON.stringify(state));
}

const isData = (request: Request) => request.headers.get('Idempotency-Key') !== 'agent-access-check';
const bodyText = async (request: Request) =>
  gunzipSync(new Uint8Array(await request.clone().arrayBuffer())).toString('utf8');

describe('state offsets that do not fit the file they name', () => {
  for (const committed of [-5000, 1e12]) {
    test(`committed: ${committed}: that file is stopped with the reason and never re-read; the other file ships`, async ({
      dir,
    }) => {
      const ingest = inProcessIngest();
      const a = join(dir, 'a.log');
      const b = join(dir, 'b.log');
      const stateDir = join(dir, 'state');
      await writeFile(a, jsonLines('a', 30));
      await writeFile(b, jsonLines('b', 10));
      const first = await startTestAgent(ingest, { files: [a, b], stateDir });
      await waitFor(() => first.status().totals.linesShipped === 40, 5000, '40 lines');
      await first.stop();
      await editState(stateDir, (files) => {
        files.find((f) => f.path === a)!.committed = committed;
      });
      await appendFile(a, jsonLines('a', 5, 30));
      await appendFile(b, jsonLines('b', 5, 10));
      const second = await startTestAgent(ingest, { files: [a, b], stateDir });
      await waitFor(() => second.status().totals.linesShipped >= 45, 5000, "b's new lines");
      await second.stop();
      // Nothing of a.log twice, nothing read from a guessed offset: only b's new lines arrived.
      expect(await ingest.paths()).toEqual(sorted(expectedPaths('a', 30), expectedPaths('b', 15)));
      const stopped = second.status().stopped;
      expect(stopped).toEqual([
        expect.objectContaining({
          path: a,
          reason: expect.stringMatching(/"committed" is (-5000|1000000000000), (not a whole number|beyond)/),
        }),
      ]);
      expect(second.logs.some((l) => l.message === `not tailing ${a}: ${stopped[0]!.reason}`)).toBe(true);
      // The entry is kept as it was, so the next start still does not guess.
      const state = JSON.parse(await readFile(join(stateDir, STATE_FILE), 'utf8'));
      expect(state.stopped[0].invalidEntry.committed).toBe(committed);
    });
  }
});

describe('a failing batch', () => {
  test('is shown in status (range, attempts, last error) while the other file keeps shipping', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    await writeFile(a, jsonLines('a', 20));
    await writeFile(b, jsonLines('b', 20));
    let failA = true;
    // An ingest that answers 503 for a.log's batches only (e.g. a record that trips a bug downstream).
    ingest.setIntercept(async (request, forward) => {
      if (failA && isData(request) && (await bodyText(request)).includes('/p/a-'))
        return Response.json({ error: 'storage unavailable' }, { status: 503 });
      return forward();
    });
    const agent = await startTestAgent(ingest, { files: [a, b], stateDir: join(dir, 'state') });
    await waitFor(
      () => (agent.status().files.find((f) => f.path === a)?.failing?.attempts ?? 0) >= 3,
      10_000,
    );
    // b.log ships, and keeps shipping, while a.log's batch fails.
    await appendFile(b, jsonLines('b', 10, 20));
    await waitFor(() => agent.status().files.find((f) => f.path === b)?.linesShipped === 30, 10_000);
    const status = agent.status();
    const failing = status.files.find((f) => f.path === a)!.failing!;
    expect(failing).toMatchObject({ start: 0, end: (await readFile(a)).length });
    expect(failing.lastError).toMatch(/ingest answered 503: storage unavailable/);
    expect(status.totals.failingBatches).toBe(1);
    expect(status.totals.failedAttempts).toBeGreaterThanOrEqual(3);
    expect(status.lastError?.message).toMatch(
      /batch 0-\d+ of .*a\.log not taken by ingest after \d+ attempt/,
    );
    expect(formatStatus(status)).toMatch(
      /failing: +\S+a\.log bytes 0-\d+: \d+ failed attempt\(s\) since .*, next at .*: ingest answered 503: storage unavailable/,
    );
    failA = false;
    await waitFor(() => agent.status().totals.linesShipped === 50, 10_000, 'a.log once ingest takes it');
    await agent.stop();
    expect(agent.status().files.every((f) => f.failing === null)).toBe(true);
    expect(agent.status().totals.failingBatches).toBe(0);
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('a', 20), expectedPaths('b', 30)));
  });
});

describe('a 409 for a pending range (its bytes changed under the agent)', () => {
  test('is logged, the file is read again under a new id, the agent keeps running', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    // The real ingest app answers 409 for a key stored with other content (issue 14); in front of it,
    // only the crash: the first agent dies between ingest's store and its own commit.
    let crashAfterStore = true;
    ingest.setIntercept(async (request, forward) => {
      const response = await forward();
      if (crashAfterStore && isData(request) && response.ok)
        return Response.json({ error: 'crash before commit' }, { status: 400 });
      return response;
    });
    // Ten header lines, then twenty more: the first 512 bytes stay the same through the refill.
    const head = jsonLines('h', 10);
    await writeFile(log, head + jsonLines('old', 20));
    const first = await startTestAgent(ingest, { files: [log], stateDir });
    await expect(first.finished).rejects.toBeInstanceOf(IngestRejectedError);
    // A state from before pending ranges kept a checksum: only ingest can tell the range's bytes changed.
    await editState(stateDir, (files) => {
      delete (files[0]!.pending as Record<string, unknown>).checksum;
      // Nor the checksum before the size seen (a newer field).
      delete files[0]!.seen;
    });
    // Truncated and refilled while the agent is down: same head, other lines after it.
    await truncate(log, 0);
    await writeFile(log, head + jsonLines('new', 25));
    crashAfterStore = false;
    const second = await startTestAgent(ingest, { files: [log], stateDir });
    await waitFor(
      () => second.status().totals.linesShipped === 35 && !second.status().files[0]?.pending,
      10_000,
      'the refilled file shipped under a new id',
    );
    await second.stop();
    await expect(second.finished).resolves.toBeUndefined();
    expect(ingest.batches().map((r) => r.status)).toEqual([400, 409, 200]);
    const warning = second.logs.find((l) => String(l.message).includes('(409)'));
    expect(warning).toMatchObject({ level: 'warn', path: log });
    // The first content stayed stored; the refilled file's lines arrived, none dropped.
    expect(await ingest.paths()).toEqual(
      sorted(
        expectedPaths('h', 10),
        expectedPaths('old', 20),
        expectedPaths('h', 10),
        expectedPaths('new', 25),
      ),
    );
  });
});

describe('a crash between store and commit, then truncate-and-refill with a copy (chaos seed 897126)', () => {
  // The range in flight was stored by ingest; the copy (access.log.1) holds it, the refilled file starts
  // with the same lines. Shorter and longer refills: the range is gone from the file, or other bytes.
  for (const newLines of [3, 40]) {
    test(`refill of ${newLines} lines: the range is resent from the copy under its key, nothing twice, nothing lost`, async ({
      dir,
    }) => {
      const ingest = inProcessIngest();
      const log = join(dir, 'access.log');
      const stateDir = join(dir, 'state');
      let crashAfterStore = true;
      ingest.setIntercept(async (request, forward) => {
        const response = await forward();
        if (crashAfterStore && isData(request) && response.ok)
          return Response.json({ error: 'crash before commit' }, { status: 400 });
        return response;
      });
      const head = jsonLines('h', 10);
      await writeFile(log, head + jsonLines('old', 20));
      const first = await startTestAgent(ingest, { files: [log], stateDir });
      await expect(first.finished).rejects.toBeInstanceOf(IngestRejectedError);
      // While the agent is down, in one step: copy, truncate, refill with the file's own first lines.
      await copyFile(log, `${log}.1`);
      await truncate(log, 0);
      await writeFile(log, head + jsonLines('new', newLines));
      crashAfterStore = false;
      const second = await startTestAgent(ingest, { files: [log], stateDir });
      await waitFor(
        () => second.status().totals.linesShipped === 40 + newLines,
        10_000,
        'the copy and the refilled file shipped',
      );
      await second.stop();
      expect(await ingest.paths()).toEqual(
        sorted(
          expectedPaths('h', 10),
          expectedPaths('old', 20),
          expectedPaths('h', 10),
          expectedPaths('new', newLines),
        ),
      );
      expect(second.status().totals.bytesLost).toBe(0);
      expect(ingest.batches().some((r) => r.status === 409)).toBe(false);
    });
  }
});

describe('a crash between store and commit, then a refill with no copy', () => {
  test('the range in flight is warned about, not counted lost (it was read and sent); the refill ships', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    let crashAfterStore = true;
    ingest.setIntercept(async (request, forward) => {
      const response = await forward();
      if (crashAfterStore && isData(request) && response.ok)
        return Response.json({ error: 'crash before commit' }, { status: 400 });
      return response;
    });
    const head = jsonLines('h', 10);
    await writeFile(log, head + jsonLines('old', 20));
    const first = await startTestAgent(ingest, { files: [log], stateDir });
    await expect(first.finished).rejects.toBeInstanceOf(IngestRejectedError);
    await truncate(log, 0);
    await writeFile(log, head + jsonLines('new', 3));
    crashAfterStore = false;
    const second = await startTestAgent(ingest, { files: [log], stateDir });
    await waitFor(() => second.status().totals.linesShipped === 13, 10_000, 'the refilled file shipped');
    await second.stop();
    expect(second.status().totals.bytesLost).toBe(0);
    expect(second.logs.find((l) => String(l.message).includes('in no file any more'))).toMatchObject({
      level: 'warn',
      path: log,
    });
    expect(await ingest.paths()).toEqual(
      sorted(
        expectedPaths('h', 10),
        expectedPaths('old', 20),
        expectedPaths('h', 10),
        expectedPaths('new', 3),
      ),
    );
  });
});

describe('a 409 for a pending range when a copy holds the range (a state without its checksum)', () => {
  test('the copy is read on from the range ingest holds: nothing twice, the refilled file read from 0', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    let crashAfterStore = true;
    ingest.setIntercept(async (request, forward) => {
      const response = await forward();
      if (crashAfterStore && isData(request) && response.ok)
        return Response.json({ error: 'crash before commit' }, { status: 400 });
      return response;
    });
    const head = jsonLines('h', 10);
    await writeFile(log, head + jsonLines('old', 20));
    const first = await startTestAgent(ingest, { files: [log], stateDir });
    await expect(first.finished).rejects.toBeInstanceOf(IngestRejectedError);
    await editState(stateDir, (files) => {
      delete (files[0]!.pending as Record<string, unknown>).checksum;
      // Nor the checksum before the size seen (a newer field).
      delete files[0]!.seen;
    });
    // While down: the file grows, is copied, truncated and refilled with its own first lines.
    await appendFile(log, jsonLines('late', 5));
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await writeFile(log, head + jsonLines('new', 25));
    crashAfterStore = false;
    const second = await startTestAgent(ingest, { files: [log], stateDir });
    await waitFor(() => second.status().totals.linesShipped >= 40, 10_000, 'the refilled file and the copy');
    await waitFor(async () => (await ingest.paths()).length >= 70, 10_000, 'every line once');
    await second.stop();
    expect(ingest.batches().some((r) => r.status === 409)).toBe(true);
    expect(await ingest.paths()).toEqual(
      sorted(
        expectedPaths('h', 10),
        expectedPaths('old', 20),
        expectedPaths('late', 5),
        expectedPaths('h', 10),
        expectedPaths('new', 25),
      ),
    );
  });
});

describe('a path that cannot be tailed', () => {
  test('is stopped alone with its reason in status; the other path ships', async ({ dir }) => {
    const ingest = inProcessIngest();
    const good = join(dir, 'access.log');
    const bad = join(dir, 'other.log');
    await writeFile(good, jsonLines('g', 15));
    await mkdir(bad);
    const agent = await startTestAgent(ingest, { files: [good, bad], stateDir: join(dir, 'state') });
    await waitFor(() => agent.status().totals.linesShipped === 15, 5000, '15 lines');
    const status = agent.status();
    expect(status.stopped).toEqual([
      expect.objectContaining({
        path: bad,
        reason: expect.stringMatching(/is a directory, not a regular file/),
      }),
    ]);
    expect(status.totals.stoppedFiles).toBe(1);
    expect(formatStatus(status)).toMatch(
      /stopped: +\S+other\.log \(since .*\): \S+other\.log is a directory/,
    );
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('g', 15)));
  });
});

describe('a tracked file that fails to read', () => {
  test('is stopped alone, its offsets kept for the next start; the other file ships', async ({ dir }) => {
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    await writeFile(a, jsonLines('a', 5));
    await writeFile(b, jsonLines('b', 5));
    const state = emptyState();
    const logs: Array<Record<string, unknown>> = [];
    const logger = createLogger({ level: 'debug', sink: (line) => logs.push(JSON.parse(line)) });
    const o = resolveAgentOptions({
      files: [a, b],
      endpoint: 'http://x.test',
      token: 't',
      stateDir: dir,
      batchAgeMs: 100,
      logger,
    });
    const tracker = new FileTracker(
      {
        patterns: compilePatterns(o.files),
        logger,
        readFrom: 'beginning',
        countLines: false,
        rotatedGraceMs: 200,
      },
      state,
    );
    await tracker.refresh(Date.now(), true);
    // No real file here fails to read once open: an EIO (a disk error, a vanished network mount) is
    // made by the handle itself.
    const broken = tracker.files.find((f) => f.entry.path === a)!;
    broken.handle!.read = (() =>
      Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }))) as never;
    const picker = new BatchBuilder(tracker, await loadGzipCodec(), o, logger);
    const batches = [];
    for (let i = 0; i < 3; i++) {
      const batch = await picker.next(Date.now() + 1000, true, undefined);
      if (batch) batches.push(batch);
    }
    expect(batches.map((x) => x.entry.path)).toEqual([b]);
    expect(tracker.files.map((f) => f.entry.path)).toEqual([b]);
    expect(state.stopped).toEqual([
      expect.objectContaining({
        path: a,
        reason: 'cannot read it: EIO: i/o error, read',
        entry: expect.objectContaining({ committed: 0 }),
      }),
    ]);
    expect(logs.some((l) => l.level === 'error' && l.path === a)).toBe(true);
    await tracker.close();
  });
});
