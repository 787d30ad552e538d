/**
 * Rotation, whatever the timing: each test makes its file changes in one synchronous block, so the
 * in-process agent (same event loop) cannot look between them. That makes "the agent never saw it"
 * an input of the test, not luck: every byte must still arrive exactly once from the file holding it.
 */
import {
  appendFileSync,
  copyFileSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, onTestFailed } from 'vitest';
import { STATE_FILE } from '../../shipper-agent/state/durability.ts';
import { jsonLines, test, waitFor } from './fixtures.ts';
import { expectedPaths, inProcessIngest, startTestAgent, type TestAgent } from './in-process.ts';

const sorted = (...lists: string[][]) => lists.flat().sort();
const bytes = (text: string) => Buffer.byteLength(text);

/** A failing run prints the agent's log: the transitions it took are the story of the failure. */
function logsOnFailure(agent: TestAgent): void {
  onTestFailed(() => {
    for (const l of agent.logs) console.log(JSON.stringify(l));
  });
}

/** Waits until `lines` lines are shipped and the agent tracks `files` files (rotated ones let go). */
async function settle(agent: TestAgent, lines: number, files = 1): Promise<void> {
  await waitFor(() => agent.status().totals.linesShipped === lines, 10_000, `${lines} lines shipped`);
  await waitFor(() => agent.status().files.length === files, 10_000, `${files} tracked files`);
}

describe('rotation, observed at any point', () => {
  test('4 rounds of cp + truncate the agent never saw grow: 140 of 140 lines, 0 lost', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    writeFileSync(log, jsonLines('base', 80));
    const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
    logsOnFailure(agent);
    await settle(agent, 80);
    let shipped = 80;
    for (let round = 0; round < 4; round++) {
      // One synchronous block: the 5 lines are in the copy only, never seen in access.log.
      appendFileSync(log, jsonLines(`five${round}`, 5));
      copyFileSync(log, `${log}.1`);
      truncateSync(log, 0);
      appendFileSync(log, jsonLines(`ten${round}`, 10));
      shipped += 15;
      await settle(agent, shipped);
    }
    await agent.stop();
    const rounds = [0, 1, 2, 3].flatMap((r) => [
      ...expectedPaths(`five${r}`, 5),
      ...expectedPaths(`ten${r}`, 10),
    ]);
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('base', 80), rounds));
    expect(agent.status().totals).toMatchObject({ linesShipped: 140, bytesLost: 0, linesRejected: 0 });
  });

  test('truncate and refill with the same first 512 bytes: every new line, no torn line', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const head = jsonLines('head', 10);
    expect(bytes(head)).toBeGreaterThan(512);
    writeFileSync(log, head + jsonLines('old', 60));
    const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
    logsOnFailure(agent);
    await settle(agent, 70);
    // Same inode, same first 10 lines, then 150 new ones: longer than what was read.
    writeFileSync(log, head + jsonLines('new', 150));
    await settle(agent, 230);
    await agent.stop();
    expect(await ingest.paths()).toEqual(
      sorted(
        expectedPaths('head', 10),
        expectedPaths('head', 10),
        expectedPaths('old', 60),
        expectedPaths('new', 150),
      ),
    );
    expect(agent.status().totals).toMatchObject({ linesRejected: 0, bytesLost: 0 });
  });

  test('rename then copytruncate before the first look after a restart: the copy is read once', async ({
    dir,
  }) => {
    // The e2e failure: the agent dead during a rename rotation, then copytruncate just after its restart.
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    writeFileSync(log, jsonLines('a', 20));
    const first = await startTestAgent(ingest, { files: [log], stateDir });
    await settle(first, 20);
    await first.stop();
    appendFileSync(log, jsonLines('a', 10, 20));
    renameSync(log, `${log}.1`);
    writeFileSync(log, jsonLines('b', 30));
    // logrotate copytruncate: .1 → .2, copy → .1, truncate; nginx keeps writing.
    renameSync(`${log}.1`, `${log}.2`);
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, jsonLines('c', 7));
    const second = await startTestAgent(ingest, { files: [log], stateDir });
    logsOnFailure(second);
    await settle(second, 67);
    await second.stop();
    expect(await ingest.paths()).toEqual(
      sorted(expectedPaths('a', 30), expectedPaths('b', 30), expectedPaths('c', 7)),
    );
    expect(second.status().totals.bytesLost).toBe(0);
  });

  test('copytruncate of a file the agent saw empty: the copy and the refill both arrive', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
    logsOnFailure(agent);
    appendFileSync(log, jsonLines('x', 12));
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, jsonLines('y', 3));
    await settle(agent, 15);
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('x', 12), expectedPaths('y', 3)));
  });

  test('two rename rotations between two looks: the middle file is read too', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    writeFileSync(log, jsonLines('g1', 10));
    const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
    logsOnFailure(agent);
    await settle(agent, 10);
    appendFileSync(log, jsonLines('g1', 5, 10));
    renameSync(log, `${log}.1`);
    writeFileSync(log, jsonLines('g2', 8));
    renameSync(`${log}.1`, `${log}.2`);
    renameSync(log, `${log}.1`);
    writeFileSync(log, jsonLines('g3', 4));
    await settle(agent, 27);
    await agent.stop();
    expect(await ingest.paths()).toEqual(
      sorted(expectedPaths('g1', 15), expectedPaths('g2', 8), expectedPaths('g3', 4)),
    );
  });

  test('two copytruncates between two looks: both copies are read, each once', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    writeFileSync(log, jsonLines('k1', 10));
    const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
    logsOnFailure(agent);
    await settle(agent, 10);
    appendFileSync(log, jsonLines('k1', 5, 10));
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, jsonLines('k2', 7));
    renameSync(`${log}.1`, `${log}.2`);
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, jsonLines('k3', 3));
    await settle(agent, 25);
    await agent.stop();
    expect(await ingest.paths()).toEqual(
      sorted(expectedPaths('k1', 15), expectedPaths('k2', 7), expectedPaths('k3', 3)),
    );
    expect(agent.status().totals.bytesLost).toBe(0);
  });

  test('two renames while the agent was stopped: both rotated files are read from where they were', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    writeFileSync(log, jsonLines('s1', 10));
    const first = await startTestAgent(ingest, { files: [log], stateDir });
    await settle(first, 10);
    await first.stop();
    appendFileSync(log, jsonLines('s1', 4, 10));
    renameSync(log, `${log}.1`);
    writeFileSync(log, jsonLines('s2', 6));
    renameSync(`${log}.1`, `${log}.2`);
    renameSync(log, `${log}.1`);
    writeFileSync(log, jsonLines('s3', 2));
    const second = await startTestAgent(ingest, { files: [log], stateDir });
    logsOnFailure(second);
    await settle(second, 22);
    await second.stop();
    expect(await ingest.paths()).toEqual(
      sorted(expectedPaths('s1', 14), expectedPaths('s2', 6), expectedPaths('s3', 2)),
    );
  });

  test('rotated siblings that predate an empty state are not read; --read-from applies to the path', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    writeFileSync(`${log}.1`, jsonLines('older', 9));
    writeFileSync(`${log}-20250110`, jsonLines('oldest', 9));
    writeFileSync(log, jsonLines('now', 3));
    const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
    logsOnFailure(agent);
    await settle(agent, 3);
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('now', 3)));
  });

  test('a copy made while the agent was stopped is read from the committed offset', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    writeFileSync(log, jsonLines('p', 10));
    const first = await startTestAgent(ingest, { files: [log], stateDir });
    await settle(first, 10);
    await first.stop();
    appendFileSync(log, jsonLines('p', 6, 10));
    copyFileSync(log, `${log}-20250110`);
    truncateSync(log, 0);
    appendFileSync(log, jsonLines('q', 2));
    const second = await startTestAgent(ingest, { files: [log], stateDir });
    logsOnFailure(second);
    await settle(second, 18);
    await second.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('p', 16), expectedPaths('q', 2)));
  });

  test('refilled while stopped with the same first 512 bytes: the new content is read from 0', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    const head = jsonLines('h', 10);
    writeFileSync(log, head + jsonLines('o', 20));
    const first = await startTestAgent(ingest, { files: [log], stateDir });
    await settle(first, 30);
    await first.stop();
    writeFileSync(log, head + jsonLines('n', 40));
    const second = await startTestAgent(ingest, { files: [log], stateDir });
    logsOnFailure(second);
    await settle(second, 80);
    await second.stop();
    expect(await ingest.paths()).toEqual(
      sorted(expectedPaths('h', 10), expectedPaths('h', 10), expectedPaths('o', 20), expectedPaths('n', 40)),
    );
    expect(second.status().totals.linesRejected).toBe(0);
  });

  test('deleted with unread lines and a new file at the path: both read in full', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    writeFileSync(log, jsonLines('d', 10));
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      batchAgeMs: 300,
    });
    await settle(agent, 10);
    appendFileSync(log, jsonLines('d', 5, 10));
    await waitFor(() => agent.status().files[0]?.size === statSync(log).size, 5000, 'the growth seen');
    unlinkSync(log);
    writeFileSync(log, jsonLines('e', 4));
    await settle(agent, 19);
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('d', 15), expectedPaths('e', 4)));
  });

  test('renamed away and back between looks: nothing read twice', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    writeFileSync(log, jsonLines('r', 10));
    const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
    logsOnFailure(agent);
    await settle(agent, 10);
    renameSync(log, `${log}.1`);
    appendFileSync(`${log}.1`, jsonLines('r', 3, 10));
    await waitFor(
      () => agent.logs.some((l) => String(l.message).startsWith('file rotated away')),
      5000,
      'the rename seen',
    );
    renameSync(`${log}.1`, log);
    appendFileSync(log, jsonLines('r', 2, 13));
    await settle(agent, 15);
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('r', 15)));
  });

  test('create then truncate with no copy: exactly the bytes seen and not read are reported lost', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    writeFileSync(log, jsonLines('before', 3));
    const agent = await startTestAgent(ingest, { files: [log], stateDir, batchAgeMs: 60_000 });
    // The long batch age keeps the lines unread: the agent has seen them, not read them.
    await waitFor(() => agent.status().files[0]?.size === statSync(log).size, 5000, 'the lines seen');
    const seen = readFileSync(log);
    // Unseen lines, gone with the truncation: the agent cannot know them and must not count them.
    appendFileSync(log, jsonLines('unseen', 2));
    truncateSync(log, 0);
    appendFileSync(log, jsonLines('after', 4));
    await waitFor(() => agent.status().totals.bytesLost > 0, 5000, 'the loss noticed');
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('after', 4)));
    expect(agent.status().totals.bytesLost).toBe(seen.length);
    const state = JSON.parse(await readFile(join(stateDir, STATE_FILE), 'utf8'));
    expect(state.totals.bytesLost).toBe(seen.length);
  });

  test('copytruncate after the agent saw lines past the copy: those bytes, and only those, are lost', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    writeFileSync(log, jsonLines('w', 10));
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      batchAgeMs: 60_000,
    });
    copyFileSync(log, `${log}.1`);
    const window = jsonLines('window', 3);
    appendFileSync(log, window);
    await waitFor(() => agent.status().files[0]?.size === statSync(log).size, 5000, 'the window seen');
    truncateSync(log, 0);
    appendFileSync(log, jsonLines('z', 2));
    await waitFor(() => agent.status().totals.bytesLost > 0, 5000, 'the loss noticed');
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('w', 10), expectedPaths('z', 2)));
    expect(agent.status().totals.bytesLost).toBe(bytes(window));
  });

  test('a file an earlier run tailed, no longer named by --file: its unshipped lines are sent, with a warning', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    const stateDir = join(dir, 'state');
    writeFileSync(a, jsonLines('a', 3));
    const first = await startTestAgent(ingest, { files: [a], stateDir });
    await settle(first, 3);
    await first.stop();
    // Logged while a.log was still the tailed file, after the first run stopped.
    appendFileSync(a, jsonLines('a-late', 1));
    writeFileSync(b, jsonLines('b', 2));
    const second = await startTestAgent(ingest, { files: [b], stateDir });
    logsOnFailure(second);
    await waitFor(async () => (await ingest.paths()).length === 6, 10_000, 'every line');
    await second.stop();
    expect(await ingest.paths()).toEqual(
      sorted(expectedPaths('a', 3), expectedPaths('a-late', 1), expectedPaths('b', 2)),
    );
    const warning = second.logs.find(
      (l) => l.message === 'reading a file no longer named by --file: an earlier run tailed it',
    );
    expect(warning).toMatchObject({ level: 'warn', path: a });
    expect(second.logs.some((l) => l.message === 'resuming a rotated file')).toBe(false);
  });
});
