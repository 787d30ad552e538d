import { describe, expect, it } from 'vitest';
import { HourlyJsonLines } from '../../ingest/lake/hourly-json-lines.ts';
import { writeBatch } from '../../ingest/lake/write-batch.ts';
import type { CanonicalRecord } from '../../lake-contract/index.ts';
import { DEFAULT_PREFIXES, InvalidPartitionError } from '../../lake-contract/index.ts';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { readJsonLines } from '../support/lake.ts';

const record = (ts: string, path: string): CanonicalRecord => ({
  ts,
  remote_addr: '10.0.0.1',
  method: 'GET',
  path,
  protocol: 'HTTP/1.1',
  status: 200,
  bytes_sent: 1,
  request_time: null,
  user_agent: null,
  referer: null,
  session_id: null,
  host: null,
  x_forwarded_for: null,
  upstream_response_time: null,
  source: 'web-1',
});

describe('writeBatch', () => {
  it('groups interleaved hours by first appearance and keeps each hour in batch order', async () => {
    const storage = createMemoryStorage();
    const accepted = HourlyJsonLines.of([
      record('2025-01-10T14:00:01.000Z', '/a'),
      record('2025-01-10T14:59:59.000Z', '/b'),
      record('2025-01-10T15:00:00.000Z', '/c'),
      record('2025-01-10T14:30:00.000Z', '/d'),
      record('2025-01-10T13:00:00.000Z', '/e'),
      record('2025-01-10T15:10:00.000Z', '/f'),
      record('2025-01-10T15:20:00.000Z', '/g'),
    ]);
    const written = await writeBatch(
      {
        batchId: 'batch-mixed-1',
        source: 'web-1',
        format: 'json',
        digest: 'sha256:1',
        accepted,
        rejected: [],
      },
      { storage, gzip: await loadGzipCodec(), prefixes: DEFAULT_PREFIXES },
    );
    expect(written.objects).toEqual([
      'access_logs/year=2025/month=01/day=10/hour=14/access_20250110T140001Z_web-1_batch-mixed-1-0.jsonl.gz',
      'access_logs/year=2025/month=01/day=10/hour=15/access_20250110T150000Z_web-1_batch-mixed-1-1.jsonl.gz',
      'access_logs/year=2025/month=01/day=10/hour=13/access_20250110T130000Z_web-1_batch-mixed-1-2.jsonl.gz',
    ]);
    const paths = await Promise.all(
      written.objects.map(async (key) => (await readJsonLines(storage, key)).map((r) => r.path)),
    );
    expect(paths).toEqual([['/a', '/b', '/d'], ['/c', '/f', '/g'], ['/e']]);
    expect(written.partitions.map((p) => p.hour)).toEqual(['14', '15', '13']);
  });

  it('writes nothing of a batch that cannot be keyed: every key is built before the first write', async () => {
    const storage = createMemoryStorage();
    // A record that bypassed validation: its ts names no four-digit year partition.
    const accepted = HourlyJsonLines.of([
      record('2025-01-10T14:00:01.000Z', '/good'),
      record('+010000-01-01T00:59:59.000Z', '/poison'),
    ]);
    await expect(
      writeBatch(
        {
          batchId: 'batch-poison-1',
          source: 'web-1',
          format: 'json',
          digest: 'sha256:2',
          accepted,
          rejected: [],
        },
        { storage, gzip: await loadGzipCodec(), prefixes: DEFAULT_PREFIXES },
      ),
    ).rejects.toBeInstanceOf(InvalidPartitionError);
    expect([...storage.objects.keys()]).toEqual([]);
  });
});
