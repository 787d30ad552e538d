/**
 * The lake's compaction lease (compact/lease.ts) on both stores that hold it: a folder (link(2), EEXIST)
 * and S3 (a real moto_server, which honours PutObject `If-None-Match: *` with 412 PreconditionFailed:
 * the race below would let every caller in otherwise). Two compactions racing on one hour: exactly one
 * compacts, the other is refused before it writes anything; an expired or released lease is taken over;
 * a run whose lease was taken over stops before it writes its state.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_BUSY } from '../../cli/commands/compact.ts';
import { main } from '../../cli/main.ts';
import { createCompactHandler } from '../../compact/lambda-handler.ts';
import { acquireLease, CompactionBusyError, LeaseLostError, leasePrefix } from '../../compact/lease.ts';
import { compactLake } from '../../compact/run.ts';
import { type MotoServer, motoClientConfig, startMotoServer } from '../../harness/index.ts';
import { DEFAULT_COMPACTION_PREFIXES, readState, stateObjectKey } from '../../lake-contract/index.ts';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import type { QueryEngine } from '../../query/types.ts';
import { createS3Storage } from '../../storage/drivers/s3.ts';
import { createStorage, type ObjectStorage } from '../../storage/index.ts';
import { ingestRecords, recordsFor } from './lake-fixture.ts';

const P = DEFAULT_COMPACTION_PREFIXES;
const NOW = new Date('2025-01-11T00:00:00Z');
let moto: MotoServer;
let client: S3Client;
let work: string;
let lakes = 0;

beforeAll(async () => {
  moto = await startMotoServer();
  client = new S3Client({ ...motoClientConfig(moto.endpoint), forcePathStyle: true });
  work = await mkdtemp(join(tmpdir(), 'accesslake-lease-'));
});
afterAll(async () => {
  client?.destroy();
  await moto?.stop();
  await rm(work, { recursive: true, force: true });
});

const drivers: Record<string, () => Promise<ObjectStorage>> = {
  folder: async () => createStorage(await mkdtemp(join(work, 'lake-'))),
  's3 (moto_server)': async () => {
    const bucket = `lease-${++lakes}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return createS3Storage({ bucket, prefix: 'lake', client });
  },
};

/** Every object under the compacted tier and the state, with its bytes: what a refused run must not change. */
async function written(storage: ObjectStorage): Promise<Record<string, string>> {
  const keys = [...(await storage.list(`${P.compacted}/`)), stateObjectKey(P)];
  const out: Record<string, string> = {};
  for (const key of keys) {
    const bytes = await storage.get(key);
    if (bytes) out[key] = Buffer.from(bytes).toString('base64');
  }
  return out;
}

describe.each(Object.keys(drivers))('the compaction lease on a %s lake', (driver) => {
  const newLake = drivers[driver]!;

  it('lets exactly one of two compactions racing on one hour run; the other writes nothing and names the holder', async () => {
    const storage = await newLake();
    await ingestRecords(storage, recordsFor('2025-01-10T10:00:00Z', 3, 20), {
      batchPrefix: 'race',
      batchSize: 5,
    });
    const gzip = await loadGzipCodec();
    let second: Promise<unknown> | undefined;
    let before: Record<string, string> | undefined;
    const first = compactLake({
      storage,
      gzip,
      now: NOW,
      lease: { owner: 'the first run' },
      // While the first run is inside its first hour, the second starts on the same hours and must be
      // turned away; the first then carries on.
      onHour: async (event) => {
        if (second !== undefined) return;
        before = await written(storage);
        second = compactLake({ storage, gzip, now: NOW, lease: { owner: 'the second run' } });
        await second.catch(() => {});
        expect(await written(storage)).toEqual(before);
        expect(event.hour).toBe('2025011010');
      },
    });
    const result = await first;
    await expect(second).rejects.toThrow(CompactionBusyError);
    await expect(second).rejects.toThrow(
      /another compaction holds the lake's lease .*: the first run \(since /,
    );
    await expect(second).rejects.toThrow(/Nothing was written/);
    // The refused run changed nothing, and the winner compacted every hour once.
    expect(before).toBeDefined();
    expect(result.compacted.map((e) => e.hour)).toEqual(['2025011010', '2025011011', '2025011012']);
    const state = await readState(storage, P);
    expect(state.watermark).toBe('2025011023');
    expect(Object.keys(state.hours)).toEqual(['2025011010', '2025011011', '2025011012']);
    // Released at the end: the next run goes ahead at once and finds every hour up to date.
    const again = await compactLake({ storage, gzip, now: NOW });
    expect(again.compacted).toEqual([]);
    expect(again.upToDate).toBe(3);
  });

  it('gives the lease to exactly one of eight runs asking at once', async () => {
    const storage = await newLake();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => acquireLease(storage, P, { owner: `run ${i}` })),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const o of outcomes)
      if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(CompactionBusyError);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLease>>>).value.release();
  });

  it('takes over a lease its holder left to expire (killed), and refuses one still live', async () => {
    const storage = await newLake();
    let now = NOW.getTime();
    const clock = () => now;
    // A run that is killed: it never renews nor releases (a TTL far beyond the test's real time, so
    // its renewal timer does not fire either).
    const killed = await acquireLease(storage, P, { owner: 'killed run', ttlMs: 60_000, clock });
    now += 59_000;
    const refused = acquireLease(storage, P, { owner: 'too early', ttlMs: 60_000, clock });
    await expect(refused).rejects.toThrow(/killed run .*expires at 2025-01-11T00:01:00.000Z \(in 1 s\)/);
    now += 1_000;
    const next = await acquireLease(storage, P, { owner: 'next run', ttlMs: 60_000, clock });
    // A new generation; the old one is deleted, so one lease object remains.
    expect(next.key > killed.key).toBe(true);
    expect(await storage.list(leasePrefix(P))).toEqual([next.key]);
    // The killed run, were it only paused, finds it has lost the lease before writing anything.
    expect(() => killed.assertFresh()).toThrow(
      /expired at 2025-01-11T00:01:00.000Z before this run finished/,
    );
    // Even with a clock that lags (here: the first run's clock put back), the state write's check reads
    // the lease objects and sees the higher generation.
    const lagging = now;
    now = NOW.getTime();
    expect(() => killed.assertFresh()).not.toThrow();
    await expect(killed.assertHeld()).rejects.toThrow(LeaseLostError);
    await expect(killed.assertHeld()).rejects.toThrow(/was taken over by next run/);
    now = lagging;
    await next.release();
    // Released: taken at once, long before the TTL.
    const after = await acquireLease(storage, P, { owner: 'after', ttlMs: 60_000, clock });
    await after.release();
  });

  it('stops a compaction whose lease was taken over before it writes its state', async () => {
    const storage = await newLake();
    await ingestRecords(storage, recordsFor('2025-01-10T10:00:00Z', 3, 10), {
      batchPrefix: 'lost',
      batchSize: 5,
    });
    let now = NOW.getTime();
    const clock = () => now;
    let taker: Awaited<ReturnType<typeof acquireLease>> | undefined;
    const run = compactLake({
      storage,
      gzip: await loadGzipCodec(),
      now: NOW,
      lease: { owner: 'paused run', ttlMs: 60_000, clock },
      onHour: async () => {
        if (taker) return;
        // The run stalls past its lease (a paused VM, a stopped process) and another takes over.
        now += 61_000;
        taker = await acquireLease(storage, P, { owner: 'taker', ttlMs: 60_000, clock });
      },
    });
    await expect(run).rejects.toThrow(LeaseLostError);
    // It wrote one hour before the takeover and nothing after: no state, no later hours.
    expect(await storage.get(stateObjectKey(P))).toBeUndefined();
    expect(await storage.list(`${P.compacted}/`)).toHaveLength(1);
    // The taker's lease is untouched by the loser's release.
    await expect(taker!.assertHeld()).resolves.toBeUndefined();
    await taker!.release();
  });
});

describe('accesslake compact while another compaction holds the lease', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('exits 75, names the holder and its expiry, and writes nothing', async () => {
    const dir = await mkdtemp(join(work, 'cli-'));
    const storage = await createStorage(dir);
    await ingestRecords(storage, recordsFor('2025-01-10T10:00:00Z', 2, 10), {
      batchPrefix: 'cli',
      batchSize: 5,
    });
    const held = await acquireLease(storage, P, { owner: 'compaction Lambda request 42' });
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const code = await main(['compact', '--lake', dir, '--before', '2025-01-11T00:00:00Z'], {});
    expect(code).toBe(EXIT_BUSY);
    expect(errors.join('\n')).toMatch(
      /another compaction holds the lake's lease file:\/\/.*\/compaction\/lease\/000000000001\.json: compaction Lambda request 42 .*expires at .*Nothing was written/,
    );
    expect(await written(storage)).toEqual({});
    await held.release();
    // Released: the same command now compacts.
    expect(await main(['compact', '--lake', dir, '--before', '2025-01-11T00:00:00Z'], {})).toBe(0);
    expect(await storage.list(`${P.compacted}/`)).toHaveLength(2);
  });
});

describe('the compaction Lambda while a CLI run holds the lease (moto_server)', () => {
  it('returns busy with the holder, writes nothing and replaces no view; runs once the lease is released', async () => {
    const storage = await drivers['s3 (moto_server)']!();
    await ingestRecords(storage, recordsFor('2025-01-10T10:00:00Z', 2, 10), {
      batchPrefix: 'lambda',
      batchSize: 5,
    });
    const sent: string[] = [];
    // Athena is not what is tested here: record the view's DDL instead of sending it.
    const athena: QueryEngine = {
      name: 'athena',
      query: async (sql) => {
        sent.push(sql);
        return { columns: [], rows: [] };
      },
      close: async () => {},
    };
    const logged: string[] = [];
    const handler = createCompactHandler({
      storage,
      gzip: await loadGzipCodec(),
      athena,
      database: 'accesslake',
      maxHours: 24,
      log: (line) => void logged.push(line),
    });
    const cli = await acquireLease(storage, P, { owner: 'accesslake compact pid 7 on laptop' });
    const busy = await handler({ time: NOW.toISOString() }, { awsRequestId: 'req-1' });
    expect(busy).toMatchObject({
      busy: expect.stringMatching(/accesslake compact pid 7 on laptop .*Nothing was written/),
      holder: { owner: 'accesslake compact pid 7 on laptop', released: false },
    });
    expect(logged.join('\n')).toMatch(/"busy"/);
    expect(await written(storage)).toEqual({});
    expect(sent).toEqual([]);
    await cli.release();
    const done = await handler({ time: NOW.toISOString() }, { awsRequestId: 'req-2' });
    expect(done).toMatchObject({ watermark: '2025011023', compacted: ['2025011010', '2025011011'] });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/CREATE OR REPLACE VIEW/);
  });
});
