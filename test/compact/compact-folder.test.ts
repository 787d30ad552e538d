import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compactLake, type HourEvent } from '../../compact/run.ts';
import { compactedObjectKey, DEFAULT_COMPACTION_PREFIXES, readState } from '../../lake-contract/index.ts';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import { lakeFilesFor } from '../../query/engines/lake-files.ts';
import { NAMED_QUERIES, type QueryEngine, renderNamedQuery } from '../../query/index.ts';
import { createStorage, type ObjectStorage } from '../../storage/index.ts';
import {
  expectedMultiset,
  ingestRecords,
  type KnownRecord,
  recordsFor,
  viewMultiset,
} from './lake-fixture.ts';

const START = '2025-01-10T10:00:00.000Z';
// 10:00–15:00 hold records; 13:00 gets only rejects; 14:00 nothing (the generator skips it below).
const NOW = new Date('2025-01-11T00:00:00Z');

let dir: string;
let storage: ObjectStorage;
let engine: QueryEngine;
let records: KnownRecord[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accesslake-compact-'));
  storage = await createStorage(dir);
  records = recordsFor(START, 6, 40).filter(
    (r) => !r.ts.startsWith('2025-01-10T13') && !r.ts.startsWith('2025-01-10T14'),
  );
  records.push(...recordsFor(START, 6, 10, 'web-2').filter((r) => r.ts.startsWith('2025-01-10T11')));
  await ingestRecords(storage, records, { batchPrefix: 'first', batchSize: 15 });
  // An hour with rejects only: lines that cannot be records, all with 13:00 times.
  await ingestRecords(storage, [], {
    batchPrefix: 'bad',
    rejects: ['{"ts":"2025-01-10T13:10:00Z","status":"abc"}', 'not json at all'],
  });
  engine = await createDuckDbEngine({ lake: dir });
});
afterEach(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

const compact = async (extra: Partial<Parameters<typeof compactLake>[0]> = {}) =>
  compactLake({ storage, gzip: await loadGzipCodec(), now: NOW, ...extra });

describe('accesslake compact on a folder lake', () => {
  it('keeps the view exact before, during (after each hour is written) and after compaction', async () => {
    const expected = expectedMultiset(records);
    expect(await viewMultiset(engine)).toEqual(expected);
    let checked = 0;
    const result = await compact({
      // Awaited by the run: the view is read in each state a reader can meet between two puts.
      onHour: async () => {
        expect(await viewMultiset(engine)).toEqual(expected);
        checked++;
      },
    });
    expect(checked).toBe(4);
    expect(await viewMultiset(engine)).toEqual(expected);
    expect(result.watermark).toBe('2025011023');
    expect(result.compacted.map((e) => e.hour)).toEqual([
      '2025011010',
      '2025011011',
      '2025011012',
      '2025011015',
    ]);
    expect(result.compacted.reduce((n, e) => n + e.rows, 0)).toBe(records.length);
  });

  it('writes Parquet objects that DuckDB reads back with typed columns and the raw rows', async () => {
    await compact();
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      for (const hour of ['2025011010', '2025011011', '2025011012', '2025011015']) {
        const file = join(dir, compactedObjectKey(DEFAULT_COMPACTION_PREFIXES, hour));
        const types = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
        const byName = Object.fromEntries(types.getRowsJS().map((r) => [r[0], r[1]]));
        expect(byName).toMatchObject({
          ts: 'VARCHAR',
          status: 'INTEGER',
          bytes_sent: 'BIGINT',
          request_time: 'DOUBLE',
          extra: 'MAP(VARCHAR, VARCHAR)',
          event_time: 'TIMESTAMP WITH TIME ZONE',
        });
        const rows = await c.runAndReadAll(
          `SELECT ts, path, status, bytes_sent, source FROM read_parquet('${file}') ORDER BY ts`,
        );
        const got = rows
          .getRowsJS()
          .map((r) => r.map(String).join('|'))
          .sort();
        const want = expectedMultiset(records.filter((r) => r.ts.replace(/\D/g, '').startsWith(hour)));
        expect(got).toEqual(want);
        const mismatch = await c.runAndReadAll(
          `SELECT count(*) FROM read_parquet('${file}') WHERE strftime(event_time, '%Y-%m-%dT%H:%M:%S.%gZ') <> ts`,
        );
        expect(Number(mismatch.getRows()[0]![0])).toBe(0);
      }
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  it('gives every named query the same answer before and after compaction', async () => {
    const range = { from: new Date('2025-01-10T10:30:00Z'), to: new Date('2025-01-10T16:00:00Z') };
    const hours = { from: '2025011010', to: '2025011015' };
    const before: unknown[] = [];
    for (const name of NAMED_QUERIES)
      before.push((await engine.query(await renderNamedQuery(name, range), { hours })).rows);
    await compact();
    for (const [i, name] of NAMED_QUERIES.entries()) {
      expect((await engine.query(await renderNamedQuery(name, range), { hours })).rows, name).toEqual(
        before[i],
      );
    }
  });

  it('is idempotent: a second run writes nothing', async () => {
    await compact();
    const state = await readFile(join(dir, 'compaction/state.json'), 'utf8');
    const second = await compact();
    expect(second.compacted).toEqual([]);
    expect(second.upToDate).toBe(4);
    expect(await readFile(join(dir, 'compaction/state.json'), 'utf8')).toBe(state);
    expect(await viewMultiset(engine)).toEqual(expectedMultiset(records));
  });

  it('recompacts an hour when late records arrive for it; until then they are not counted twice', async () => {
    await compact();
    const late = recordsFor('2025-01-10T11:00:00Z', 1, 7, 'late-host');
    await ingestRecords(storage, late, { batchPrefix: 'late' });
    // Below the watermark: the view serves 11:00 from Parquet, so the late records wait (documented).
    expect(await viewMultiset(engine)).toEqual(expectedMultiset(records));
    const second = await compact();
    expect(second.compacted.map((e) => [e.hour, e.action])).toEqual([['2025011011', 'recompacted']]);
    expect(await viewMultiset(engine)).toEqual(expectedMultiset([...records, ...late]));
  });

  it('takes in records a concurrent ingest writes into hours being compacted', async () => {
    const racing = [
      ...recordsFor('2025-01-10T10:00:00Z', 1, 3, 'racer'), // the hour just written: late
      ...recordsFor('2025-01-10T12:00:00Z', 1, 3, 'racer'), // an hour not listed yet: taken in now
    ];
    // The ingest writes between the 10:00 object and the listing of 12:00: one hour done, one to come.
    await compact({
      onHour: async (event: HourEvent) => {
        if (event.hour === '2025011010') await ingestRecords(storage, racing, { batchPrefix: 'racing' });
      },
    });
    const lateOnes = racing.filter((r) => r.ts.startsWith('2025-01-10T10'));
    const takenIn = racing.filter((r) => r.ts.startsWith('2025-01-10T12'));
    // The 10:00 records wait for the next run; none is counted twice, none of the others is missing.
    expect(await viewMultiset(engine)).toEqual(expectedMultiset([...records, ...takenIn]));
    expect(lateOnes).toHaveLength(3);
    await compact();
    expect(await viewMultiset(engine)).toEqual(expectedMultiset([...records, ...racing]));
  });

  it('leaves rejects untouched and skips an hour with rejects only or no records as empty', async () => {
    const rejectsBefore = await storage.list('rejects/');
    const result = await compact();
    expect(result.empty).toBeGreaterThanOrEqual(2);
    expect(await storage.list('rejects/')).toEqual(rejectsBefore);
    expect(await storage.list('access_logs_compacted/year=2025/month=01/day=10/hour=13/')).toEqual([]);
    expect(await storage.list('access_logs_compacted/year=2025/month=01/day=10/hour=14/')).toEqual([]);
  });

  it('stops the watermark at an hour it cannot read, and the view stays exact', async () => {
    const [bad] = await storage.list('access_logs/year=2025/month=01/day=10/hour=12/');
    const original = await storage.get(bad!);
    await writeFile(join(dir, bad!), 'not gzip');
    const result = await compact();
    expect(result.watermark).toBe('2025011012');
    expect(result.skipped[0]).toMatchObject({ hour: '2025011012' });
    expect(result.skipped[0]!.reason).toContain(bad);
    expect(result.skipped[1]).toMatchObject({
      hour: '2025011015',
      reason: expect.stringContaining('waits for'),
    });
    await storage.put(bad!, original!);
    expect(await viewMultiset(engine)).toEqual(expectedMultiset(records));
    expect((await compact()).watermark).toBe('2025011023');
    expect(await viewMultiset(engine)).toEqual(expectedMultiset(records));
  });

  it('compacts a backlog a few hours per run when limited (a Lambda with a time limit)', async () => {
    const first = await compact({ maxHours: 2 });
    expect(first.compacted.map((e) => e.hour)).toEqual(['2025011010', '2025011011']);
    expect(first.watermark).toBe('2025011012');
    expect(await viewMultiset(engine)).toEqual(expectedMultiset(records));
    const second = await compact({ maxHours: 2 });
    expect(second.compacted.map((e) => e.hour)).toEqual(['2025011012', '2025011015']);
    expect(second.watermark).toBe('2025011023');
    expect(await viewMultiset(engine)).toEqual(expectedMultiset(records));
  });

  it('writes nothing in a dry run', async () => {
    const result = await compact({ dryRun: true });
    expect(result.compacted).toHaveLength(4);
    expect(await storage.list('access_logs_compacted/')).toEqual([]);
    expect((await readState(storage, DEFAULT_COMPACTION_PREFIXES)).watermark).toBeNull();
  });

  it('lists only the hours a query asks for', async () => {
    await compact({ before: new Date('2025-01-10T12:00:00Z') });
    const files = await lakeFilesFor(dir, { from: '2025011011', to: '2025011012' });
    expect(files.watermark).toBe('2025011012');
    expect(files.parquet.map((f) => f.slice(dir.length))).toEqual([
      '/access_logs_compacted/year=2025/month=01/day=10/hour=11/access_logs_2025011011.parquet',
    ]);
    expect(files.rawGlobs.map((f) => f.slice(dir.length))).toEqual([
      '/access_logs/year=2025/month=01/day=10/hour=12/*.jsonl.gz',
    ]);
    const hours = { from: '2025011011', to: '2025011012' };
    expect(await viewMultiset(engine, hours)).toEqual(
      expectedMultiset(records.filter((r) => r.ts >= '2025-01-10T11' && r.ts < '2025-01-10T13')),
    );
  });
});
