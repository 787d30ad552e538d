import { appendFile, copyFile, readFile, rename, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { AuthRejectedError, FileAccessError, IngestRejectedError } from '../../shipper-agent/errors.ts';
import { STATE_FILE } from '../../shipper-agent/state/durability.ts';
import { jsonLines, test, waitFor } from './fixtures.ts';
import { expectedPaths, inProcessIngest, startTestAgent, TOKEN } from './in-process.ts';

const sorted = (...lists: string[][]) => lists.flat().sort();

describe('agent loop', () => {
  test('ships existing and appended lines exactly once and reports them in status', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    await writeFile(log, jsonLines('a', 100));
    const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
    await appendFile(log, jsonLines('b', 50));
    await waitFor(() => agent.status().totals.linesShipped === 150, 5000, '150 lines shipped');
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('a', 100), expectedPaths('b', 50)));
    const status = agent.status();
    expect(status.files).toHaveLength(1);
    expect(status.files[0]).toMatchObject({ path: log, lagBytes: 0, pending: null, linesShipped: 150 });
    const state = JSON.parse(await readFile(join(dir, 'state', STATE_FILE), 'utf8'));
    expect(state.agent.stoppedAt).toEqual(expect.any(String));
    expect(state.files[0].committed).toBe((await readFile(log)).length);
  });

  test('re-sends the pending range after a crash, same bytes under the same key', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    await writeFile(log, jsonLines('c', 40));
    // ingest stores the batch, then the agent "dies" before it can commit: a non-retryable answer.
    ingest.setIntercept(async (request, forward) => {
      if (request.headers.get('Idempotency-Key') === 'agent-access-check') return forward();
      expect((await forward()).status).toBe(200);
      return Response.json({ error: 'crash before commit' }, { status: 400 });
    });
    const first = await startTestAgent(ingest, { files: [log], stateDir });
    await expect(first.finished).rejects.toBeInstanceOf(IngestRejectedError);
    const crashed = JSON.parse(await readFile(join(stateDir, STATE_FILE), 'utf8'));
    expect(crashed.files[0].committed).toBe(0);
    const pending = crashed.files[0].pending;
    expect(pending).toMatchObject({ start: 0, end: (await readFile(log)).length, lines: 40 });
    const objectsAfterCrash = [...ingest.storage.objects.keys()].sort();

    ingest.setIntercept(undefined);
    const second = await startTestAgent(ingest, { files: [log], stateDir });
    await waitFor(() => second.status().totals.linesShipped === 40, 5000, 'the re-sent batch');
    await second.stop();
    const [sent, resent] = ingest.batches();
    expect(resent!.key).toBe(pending.batchId);
    expect(resent!.key).toBe(sent!.key);
    expect(Buffer.from(resent!.body).equals(Buffer.from(sent!.body))).toBe(true);
    expect([...ingest.storage.objects.keys()].sort()).toEqual(objectsAfterCrash);
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('c', 40)));
  });

  test('reads a renamed file to its end and picks up the new file at the same path', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    await writeFile(log, jsonLines('r', 50));
    const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
    await waitFor(() => agent.status().totals.linesShipped === 50);
    await appendFile(log, jsonLines('r', 20, 50));
    await rename(log, `${log}.1`);
    // nginx keeps writing to the renamed file until it reopens its logs (USR1).
    await appendFile(`${log}.1`, jsonLines('r', 10, 70));
    await writeFile(log, jsonLines('n', 30));
    await waitFor(() => agent.status().totals.linesShipped === 110, 5000, 'all 110 lines');
    await waitFor(() => agent.status().files.length === 1, 5000, 'the rotated file let go');
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('r', 80), expectedPaths('n', 30)));
    expect(agent.logs.some((l) => l.message === 'rotated file fully shipped, letting it go')).toBe(true);
  });

  test('copytruncate: starts the file again at 0 and reads the unread rest from the copy', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    await writeFile(log, jsonLines('t', 30));
    // Long batch age: nothing is shipped before the truncation, so the copy must supply it all.
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      batchAgeMs: 60_000,
    });
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await appendFile(log, jsonLines('u', 20));
    await waitFor(() =>
      agent.logs.some((l) => l.message === 'reading the rest of the truncated content from its copy'),
    );
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('t', 30), expectedPaths('u', 20)));
    expect(agent.status().totals.bytesLost).toBe(0);
  });

  test('truncation with no copy next to the file reports the bytes lost, loudly', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const lost = jsonLines('gone', 30);
    await writeFile(log, lost);
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      batchAgeMs: 60_000,
    });
    await truncate(log, 0);
    await appendFile(log, jsonLines('kept', 10));
    await waitFor(() => agent.status().totals.bytesLost > 0, 5000, 'the loss to be noticed');
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('kept', 10)));
    expect(agent.status().totals.bytesLost).toBe(Buffer.byteLength(lost));
    const error = agent.logs.find((l) => l.level === 'error' && l.bytesLost === Buffer.byteLength(lost));
    expect(String(error?.message)).toMatch(
      /truncated before it was fully shipped.*bytes after offset 0 were lost/,
    );
  });

  test('resumes after a restart, including a file renamed while the agent was down', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    await writeFile(log, jsonLines('d', 20));
    const first = await startTestAgent(ingest, { files: [log], stateDir });
    await waitFor(() => first.status().totals.linesShipped === 20);
    await first.stop();
    await appendFile(log, jsonLines('d', 10, 20));
    await rename(log, `${log}.1`);
    await writeFile(log, jsonLines('e', 5));
    const second = await startTestAgent(ingest, { files: [log], stateDir });
    await waitFor(() => second.status().totals.linesShipped === 35, 5000, '35 lines');
    await second.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('d', 30), expectedPaths('e', 5)));
    expect(second.logs.some((l) => l.message === 'resuming a rotated file')).toBe(true);
    // The stop says this run's lines, and the total over both runs apart.
    expect(second.logs.find((l) => l.message === 'agent stopped')).toMatchObject({
      linesShipped: 15,
      linesShippedInAll: 35,
    });
  });

  test('a file rewritten in place while the agent was down is read from 0, not from the old offset', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    await writeFile(log, jsonLines('old', 20));
    const first = await startTestAgent(ingest, { files: [log], stateDir });
    await waitFor(() => first.status().totals.linesShipped === 20);
    await first.stop();
    // Same inode, new first bytes, longer than the old committed offset.
    await writeFile(log, jsonLines('new', 30));
    const second = await startTestAgent(ingest, { files: [log], stateDir });
    await waitFor(() => second.status().totals.linesShipped === 50, 5000, '30 new lines');
    await second.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('old', 20), expectedPaths('new', 30)));
  });

  test('splits a batch that ingest finds too large (413) and delivers every line', async ({ dir }) => {
    const ingest = inProcessIngest({ maxDecompressedBytes: 4096 });
    const log = join(dir, 'access.log');
    await writeFile(log, jsonLines('s', 150));
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      maxLineBytes: 1024,
    });
    await waitFor(() => agent.status().totals.linesShipped === 150, 10_000, '150 lines');
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('s', 150)));
    expect(ingest.batches().some((r) => r.status === 413)).toBe(true);
    expect(agent.logs.some((l) => String(l.message).includes('too large (413)'))).toBe(true);
  });

  test('stops with a clear error on a wrong token instead of retrying', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    await writeFile(log, '');
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      token: `${TOKEN}-wrong`,
    });
    const error = await agent.finished.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthRejectedError);
    expect(agent.status().lastError?.message).toMatch(/rejected the token/);
  });

  test('refuses a path that is a symlink to /dev/stdout, saying how to fix it', async ({ dir }) => {
    const log = join(dir, 'access.log');
    await symlink('/dev/stdout', log);
    const error = await startTestAgent(inProcessIngest(), {
      files: [log],
      stateDir: join(dir, 'state'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileAccessError);
    expect((error as Error).message).toMatch(/symlink to \/dev\/stdout.*official nginx Docker image/);
  });

  test('waits for a missing file, says so, and ships it once it appears', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'later.log');
    const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
    expect(agent.logs.some((l) => l.message === `waiting for ${log} to appear`)).toBe(true);
    await writeFile(log, jsonLines('m', 5));
    await waitFor(() => agent.status().totals.linesShipped === 5, 5000, 'the late file');
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('m', 5)));
  });

  test('tails new files that a glob matches later', async ({ dir }) => {
    const ingest = inProcessIngest();
    await writeFile(join(dir, 'a.log'), jsonLines('ga', 3));
    const agent = await startTestAgent(ingest, { files: [join(dir, '*.log')], stateDir: join(dir, 'state') });
    await writeFile(join(dir, 'b.log'), jsonLines('gb', 4));
    await writeFile(join(dir, 'b.txt'), jsonLines('ignored', 4));
    await waitFor(() => agent.status().totals.linesShipped === 7, 5000, 'both files');
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('ga', 3), expectedPaths('gb', 4)));
  });

  test('cuts an overlong line, counts it, and keeps the next line whole', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const long = JSON.stringify({ path: `/${'x'.repeat(5000)}` });
    await writeFile(log, `${jsonLines('o', 2)}${long}\n${jsonLines('o', 2, 2)}`);
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      maxLineBytes: 1024,
    });
    await waitFor(() => agent.status().totals.linesShipped === 5);
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('o', 4)));
    // The cut line is no longer valid JSON: ingest keeps it under rejects/ with the reason.
    expect(agent.status().totals).toMatchObject({ linesCut: 1, linesRejected: 1 });
  });

  test('a partial last line waits for its newline, also at shutdown', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    const partial = jsonLines('p', 1, 3);
    await writeFile(log, jsonLines('p', 3) + partial.slice(0, 40));
    const first = await startTestAgent(ingest, { files: [log], stateDir });
    await waitFor(() => first.status().totals.linesShipped === 3);
    await first.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('p', 3)));
    await appendFile(log, partial.slice(40));
    const second = await startTestAgent(ingest, { files: [log], stateDir });
    await waitFor(() => second.status().totals.linesShipped === 4);
    await second.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('p', 4)));
  });

  test('--read-from end skips what a new file already holds on the first start', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    await writeFile(log, jsonLines('before', 20));
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      readFrom: 'end',
    });
    await appendFile(log, jsonLines('after', 5));
    await waitFor(() => agent.status().totals.linesShipped === 5, 5000, 'the appended lines');
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('after', 5)));
  });

  test('closes batches by line count with --batch-lines', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    await writeFile(log, jsonLines('l', 35));
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      batchLines: 10,
      batchAgeMs: 60_000,
    });
    await waitFor(() => agent.status().totals.linesShipped === 30, 5000, 'three full batches');
    expect(agent.status().totals.batchesShipped).toBe(3);
    await agent.stop();
    expect(agent.status().totals).toMatchObject({ linesShipped: 35, batchesShipped: 4 });
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('l', 35)));
  });
});
