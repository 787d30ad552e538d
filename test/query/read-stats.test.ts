/**
 * query/read-stats.ts: the objects and bytes a DuckDB query read, from DuckDB's file-system log, checked
 * against the lake's files on disk (JSON written by the real ingest, and a Parquet file).
 */
import { spawnSync } from 'node:child_process';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import { type QueryEngine, renderNamedQuery } from '../../query/index.ts';
import { summarizeReads } from '../../query/read-stats.ts';
import { writeGenLake } from '../grafana/gen-lake.ts';

describe('summarizeReads', () => {
  it('counts each object once and its bytes as the union of the ranges read', () => {
    const sizes: Record<string, number> = { '/a': 100, '/b': 1000 };
    const read = summarizeReads(
      [
        // The gzip reader's pattern: header, header again, then the rest (asked past the end).
        { path: '/a', pos: 0, bytes: 10 },
        { path: '/a', pos: 10, bytes: 10 },
        { path: '/a', pos: 20, bytes: 90 },
        // Parquet's: footer length, footer, overlapping column chunks.
        { path: '/b', pos: 992, bytes: 8 },
        { path: '/b', pos: 900, bytes: 92 },
        { path: '/b', pos: 100, bytes: 50 },
        { path: '/b', pos: 120, bytes: 60 },
        // Opened but nothing read: not an object read.
        { path: '/c', pos: 0, bytes: 0 },
      ],
      (path) => sizes[path],
    );
    expect(read).toEqual({ objects: 2, bytes: 100 + (100 + 80) });
  });

  it('takes ranges as logged when the object size is unknown (a remote object)', () => {
    const read = summarizeReads(
      [
        { path: 's3://b/k', pos: 0, bytes: 64 },
        { path: 's3://b/k', pos: 32, bytes: 64 },
      ],
      () => undefined,
    );
    expect(read).toEqual({ objects: 1, bytes: 96 });
  });
});

describe('the DuckDB engine reports what each query read', () => {
  let lake: string;
  let engine: QueryEngine;
  /** hour (YYYYMMDDHH) → the sizes of its objects on disk. */
  const hours = new Map<string, number[]>();
  beforeAll(async () => {
    // 3000 records at 0.6/s from 13:00: about 83 minutes, so hours 13 and 14.
    lake = await writeGenLake({ start: Date.parse('2025-01-10T13:00:00Z'), count: 3000, rate: 0.6 });
    engine = await createDuckDbEngine({ lake });
    const files = (await readdir(join(lake, 'access_logs'), { recursive: true })).filter((f) =>
      f.endsWith('.jsonl.gz'),
    );
    for (const file of files) {
      const m = /year=(\d+)\/month=(\d+)\/day=(\d+)\/hour=(\d+)\//.exec(file)!;
      const hour = `${m[1]}${m[2]}${m[3]}${m[4]}`;
      hours.set(hour, [...(hours.get(hour) ?? []), (await stat(join(lake, 'access_logs', file))).size]);
    }
  });
  afterAll(async () => {
    await engine?.close();
    if (lake) await rm(lake, { recursive: true, force: true });
  });
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

  it('reads only the objects of the hours a named query asks for, each whole', async () => {
    expect([...hours.keys()].sort()).toEqual(['2025011013', '2025011014']);
    const oneHour = await engine.query(
      await renderNamedQuery('top-paths', {
        from: new Date('2025-01-10T14:00:00Z'),
        to: new Date('2025-01-10T15:00:00Z'),
      }),
    );
    const in14 = hours.get('2025011014')!;
    expect(oneHour.read).toEqual({ objects: in14.length, bytes: sum(in14) });

    const both = await engine.query(
      await renderNamedQuery('error-rate', {
        from: new Date('2025-01-10T13:00:00Z'),
        to: new Date('2025-01-10T15:00:00Z'),
      }),
    );
    const all = [...hours.values()].flat();
    expect(both.read).toEqual({ objects: all.length, bytes: sum(all) });
  });

  it('reads nothing for a range with no partitions, and counts again on the next query', async () => {
    const none = await engine.query(
      await renderNamedQuery('top-paths', {
        from: new Date('2024-01-01T00:00:00Z'),
        to: new Date('2024-01-01T01:00:00Z'),
      }),
    );
    expect(none.read).toEqual({ objects: 0, bytes: 0 });
    const again = await engine.query('SELECT count(*) AS n FROM access_logs');
    expect(again.read?.objects).toBe([...hours.values()].flat().length);
  });

  it('is what accesslake query prints on stderr, leaving stdout to the rows', async () => {
    const bin = new URL('../../bin/accesslake.mjs', import.meta.url).pathname;
    const args = ['--from', '2025-01-10T14:00:00Z', '--to', '2025-01-10T15:00:00Z'];
    const result = spawnSync(
      process.execPath,
      [bin, 'query', '--lake', lake, '--named', 'top-paths', ...args, '--output', 'json'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).length).toBeGreaterThan(0);
    const in14 = hours.get('2025011014')!;
    const kib = (sum(in14) / 1024).toFixed(1);
    expect(result.stderr).toBe(
      `read ${in14.length} object${in14.length === 1 ? '' : 's'}, ${kib} KiB from the lake\n`,
    );
  });

  it('counts a Parquet object by the column chunks read, less than the whole file', async () => {
    const file = join(lake, 'all.parquet');
    await engine.query(`COPY (SELECT * FROM access_logs) TO '${file}' (FORMAT parquet)`);
    const size = (await stat(file)).size;
    const oneColumn = await engine.query(`SELECT sum(status) AS s FROM read_parquet('${file}')`);
    const everything = await engine.query(`SELECT * FROM read_parquet('${file}')`);
    expect(oneColumn.read?.objects).toBe(1);
    expect(everything.read?.objects).toBe(1);
    expect(oneColumn.read!.bytes).toBeGreaterThan(0);
    expect(oneColumn.read!.bytes).toBeLessThan(everything.read!.bytes);
    expect(everything.read!.bytes).toBeLessThanOrEqual(size);
  });
});
