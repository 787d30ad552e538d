/** `--format auto` in the agent: each file's format decided from its lines, a file that fits nothing stopped alone. */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { formatStatus } from '../../shipper-agent/status.ts';
import { test, waitFor } from './fixtures.ts';
import { inProcessIngest, startTestAgent } from './in-process.ts';

const CORPUS = join(import.meta.dirname, '../fixtures/formats');
const corpus = (name: string) => readFile(join(CORPUS, name), 'utf8');

describe('agent --format auto', () => {
  test('ships each file in the format its lines are in, and says which and why', async ({ dir }) => {
    const ingest = inProcessIngest();
    const files: Record<string, string> = {};
    for (const name of ['json', 'combined', 'main', 's3', 'alb']) {
      files[name] = join(dir, `${name}.log`);
      await writeFile(files[name]!, await corpus(`${name}.log`));
    }
    const agent = await startTestAgent(ingest, { files: Object.values(files), stateDir: join(dir, 'state') });
    await waitFor(() => agent.status().totals.linesShipped === 114, 10_000, 'every line shipped');
    await agent.stop();
    const status = agent.status();
    expect(status.totals.linesRejected).toBe(0);
    expect(status.format).toBe('auto (detected per file)');
    for (const [format, path] of Object.entries(files)) {
      const file = status.files.find((f) => f.path === path)!;
      expect(file).toMatchObject({ format });
      expect(file.formatReason).toMatch(new RegExp(`^auto: \\d+ of the first \\d+ lines parse as ${format}`));
    }
    expect(formatStatus(status)).toContain(
      `${files.main}:\n  format:   main (auto: 20 of the first 20 lines parse as main`,
    );
    const detected = agent.logs.filter((l) => l.message === 'format detected').map((l) => l.format);
    expect(detected.sort()).toEqual(['alb', 'combined', 'json', 'main', 's3']);
  });

  test('a format from nginx.conf shows as it is, with the access_log it came from, not the default', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    await writeFile(log, await corpus('combined.log'));
    const reason = 'access_log in /etc/nginx/nginx.conf:40 uses log_format combined';
    const agent = await startTestAgent(ingest, {
      files: [{ path: log, format: 'combined', formatReason: reason }],
      stateDir: join(dir, 'state'),
    });
    await waitFor(() => agent.status().totals.linesShipped === 30, 10_000, '30 lines shipped');
    await agent.stop();
    const status = agent.status();
    expect(status.format).toBe('combined');
    expect(status.files[0]).toMatchObject({ format: 'combined', formatReason: reason, linesRejected: 0 });
    expect(agent.logs.find((l) => l.message === 'agent started')).toMatchObject({ format: 'combined' });
    // The whole file was read at once: one batch, said in the singular.
    expect(formatStatus(status)).toContain('totals:   30 lines in 1 batch (');
  });

  test('an empty file is decided on its first lines', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    await writeFile(log, '');
    const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
    await waitFor(() => agent.status().files.length === 1);
    expect(agent.status().files[0]).toMatchObject({
      format: null,
      formatReason: 'auto: to be decided from the first lines',
    });
    await appendFile(log, await corpus('combined.log'));
    await waitFor(() => agent.status().totals.linesShipped === 30, 10_000, '30 lines shipped');
    await agent.stop();
    expect(agent.status().files[0]).toMatchObject({ format: 'combined' });
    expect(agent.status().totals.linesRejected).toBe(0);
  });

  test('a file whose lines fit no format is stopped alone, with a line and the formats tried', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const good = join(dir, 'access.log');
    const bad = join(dir, 'app.log');
    await writeFile(bad, 'INFO starting application\nINFO listening on :8080\n');
    await writeFile(good, await corpus('combined.log'));
    const agent = await startTestAgent(ingest, { files: [bad, good], stateDir: join(dir, 'state') });
    await waitFor(() => agent.status().totals.linesShipped === 30, 10_000, 'the good file shipped');
    await appendFile(good, await corpus('combined.log'));
    await waitFor(() => agent.status().totals.linesShipped === 60, 10_000, 'the good file keeps shipping');
    // Stopped through the agent's stop list (stopped.ts): out of the tailed files, its reason shown.
    const status = agent.status();
    expect(status.files.map((f) => f.path)).toEqual([good]);
    expect(status.totals.stoppedFiles).toBe(1);
    const stopped = status.stopped.find((s) => s.path === bad)!;
    expect(stopped.reason).toMatch(
      /^no known format fits these lines, e\.g\. "INFO starting application"; tried json \(0\/2 lines\): .*combined \(0\/2 lines\): /,
    );
    expect(formatStatus(status)).toContain(`stopped:  ${bad} (since ${stopped.since}): no known format fits`);
    // Errors name only the stopped file: the stop itself, then (once) the scan passing it over.
    const errors = agent.logs.filter((l) => l.level === 'error');
    expect(errors[0]).toMatchObject({ path: bad, reason: stopped.reason, committed: 0 });
    expect(errors.map((l) => String(l.message))).toEqual([
      'stopped tailing one file; the others keep shipping',
      ...errors.slice(1).map(() => `not tailing ${bad}: ${stopped.reason}`),
    ]);
    // Stopping leaves the stopped file on the stopped list, with nothing pending for it.
    await agent.stop();
    expect(agent.status().stopped.map((s) => s.path)).toEqual([bad]);
  });

  test('a file stopped for its format is tried again at the next start, from where it was', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const bad = join(dir, 'app.log');
    const stateDir = join(dir, 'state');
    await writeFile(bad, 'INFO starting application\nINFO listening on :8080\n');
    const first = await startTestAgent(ingest, { files: [bad], stateDir });
    await waitFor(() => first.status().stopped.length === 1, 10_000, 'the file stopped');
    await first.stop();
    // The user names the format: the stop does not outlive the run, the file is read from offset 0.
    const second = await startTestAgent(ingest, { files: [bad], stateDir, format: 'combined' });
    await waitFor(() => second.status().totals.linesRejected === 2, 10_000, 'both lines sent');
    await second.stop();
    const status = second.status();
    expect(status.stopped).toEqual([]);
    expect(status.files).toMatchObject([{ path: bad, committed: 50, format: 'combined' }]);
  });

  test('a wrong explicit format is loud: a warning naming it, and the first reason in status', async ({
    dir,
  }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    await writeFile(log, await corpus('json.log'));
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      format: 'combined',
    });
    await waitFor(() => agent.status().totals.linesShipped === 30, 10_000, '30 lines shipped');
    await agent.stop();
    const file = agent.status().files[0]!;
    expect(file).toMatchObject({
      linesRejected: 30,
      format: 'combined',
      formatReason: 'set by --format (or ACCESSLAKE_FORMAT)',
    });
    expect(file.firstRejectReason).toMatch(/^\$remote_addr|expected/);
    expect(formatStatus(agent.status())).toContain(
      `  rejected: 30 lines, the first because ${file.firstRejectReason}`,
    );
    const warning = agent.logs.find((l) => String(l.message).startsWith('most of the batch was rejected'));
    expect(warning).toMatchObject({ format: 'combined', firstReason: file.firstRejectReason });
    expect(warning!.message).toContain('"combined"');
  });
});
