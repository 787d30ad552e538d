/**
 * The e2e test's own instruments, checked fast in `npm test`: the multiset comparison, the independent
 * log-line keys (they must agree with what the ingest stores for the same line), and wrk's report parser.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveLineParser } from '../../formats/index.ts';
import { parseWrkOutput, wrkErrorCount } from '../../harness/index.ts';
import { parseBatchLines } from '../../ingest/batch/parse-lines.ts';
import { compareMultisets } from './support/compare.ts';
import { readLoggedLines, recordKey } from './support/log-lines.ts';

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

const rec = (path: string, ts = '2026-01-10T14:31:02.123Z') => ({ ts, path, status: 200, bytes_sent: 595 });

describe('compareMultisets', () => {
  it('tells missing, duplicated and foreign records apart', async () => {
    const logged = new Map([
      [recordKey(rec('/a')), 2],
      [recordKey(rec('/b')), 1],
      [recordKey(rec('/c')), 1],
    ]);
    const stored = [rec('/a'), rec('/b'), rec('/b'), rec('/b'), rec('/x')];
    const c = await compareMultisets(logged, from(stored));
    expect(c).toMatchObject({ logged: 4, stored: 5, matched: 2, missing: 2, duplicates: 2, extraRecords: 1 });
    expect(c.examples.missing).toEqual([recordKey(rec('/a')), recordKey(rec('/c'))]);
    expect([...c.extras]).toEqual([[recordKey(rec('/x')), 1]]);
  });

  it('finds nothing wrong when the lake holds exactly the logged lines, in any order', async () => {
    const logged = new Map([
      [recordKey(rec('/a')), 2],
      [recordKey(rec('/b')), 1],
    ]);
    const c = await compareMultisets(logged, from([rec('/b'), rec('/a'), rec('/a')]));
    expect(c).toMatchObject({ matched: 3, missing: 0, duplicates: 0, extraRecords: 0 });
  });
});

describe('readLoggedLines', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accesslake-e2e-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keys JSON lines exactly as the ingest stores them, across rotated files', async () => {
    const line = (uri: string, msec: string) =>
      `{"ts":"2026-11-21T20:35:13+00:00","msec":"${msec}","remote_addr":"127.0.0.1","method":"GET","path":"${uri}","protocol":"HTTP/1.1","status":200,"bytes_sent":595,"request_time":0.000,"user_agent":"","referer":"","session_id":"","host":"127.0.0.1","x_forwarded_for":"","upstream_response_time":""}`;
    const current = `${line('/static/page.html?r=1-1', '1795293313.126')}\n`;
    const rotated = `${line('/static/page.html?r=2-7', '1795293312.999')}\n${line('/a', '1795293313.000')}\n`;
    await writeFile(join(dir, 'access.log'), current);
    await writeFile(join(dir, 'access.log.1'), rotated);
    await writeFile(join(dir, 'error.log'), 'not an access log\n');

    const logged = await readLoggedLines(dir, 'json');
    const ingested = parseBatchLines(rotated + current, resolveLineParser('json'), 'test');
    expect(ingested.rejected).toEqual([]);
    expect(logged.files).toEqual(['access.log', 'access.log.1']);
    expect(logged.lines).toBe(3);
    expect([...logged.keys.keys()].sort()).toEqual(ingested.accepted.map((r) => recordKey(r)).sort());
  });

  it('keys main-format lines by $time_local in UTC, the request URI, status and bytes', async () => {
    await writeFile(
      join(dir, 'access.log'),
      '127.0.0.1 - - [21/Nov/2026:21:35:13 +0100] "GET /static/page.html?r=3-9 HTTP/1.1" 200 595 "-" "-" "-"\n',
    );
    const logged = await readLoggedLines(dir, 'main');
    expect([...logged.keys]).toEqual([['2026-11-21T20:35:13.000Z\t/static/page.html?r=3-9\t200\t595', 1]]);
  });

  it('refuses a file that ends in a partial line, rather than miscounting it', async () => {
    await writeFile(join(dir, 'access.log'), '{"ts":"2026-11-21T20:35:13+00:00"');
    await expect(readLoggedLines(dir, 'json')).rejects.toThrow(/partial line/);
  });
});

describe('parseWrkOutput', () => {
  it('reads totals, rate, socket errors and non-2xx answers', () => {
    const r = parseWrkOutput(`Running 20s test @ http://127.0.0.1:8080/static/page.html
  4 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.63ms    4.85ms  51.25ms   89.61%
    Req/Sec     9.99k     5.18k   24.85k    60.83%
  119421 requests in 20.02s, 121.29MB read
  Socket errors: connect 0, read 3, write 0, timeout 12
  Non-2xx or 3xx responses: 5
Requests/sec:   5965.08
Transfer/sec:      6.06MB
`);
    expect(r).toMatchObject({
      requests: 119421,
      durationSeconds: 20.02,
      requestsPerSecond: 5965.08,
      socketErrors: { connect: 0, read: 3, write: 0, timeout: 12 },
      non2xx3xx: 5,
    });
    expect(wrkErrorCount(r)).toBe(20);
  });
});
