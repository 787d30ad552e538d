/**
 * One compaction at a time per lake, whoever runs it (`accesslake compact`, the compaction Lambda,
 * `accesslake up`): a lease stored in the lake itself, so a CLI run on a laptop and the scheduled Lambda
 * see the same one. Two overlapping runs would each read the state at their start and write it at their
 * end, so the later write would drop the other's manifests (and a stale Parquet object could replace a
 * newer one), which is why the lease covers the whole lake, not one hour.
 *
 * Shape: `<state>/lease/<generation>.json`, generation a zero-padded counter, holding
 * `{ owner, token, acquiredAt, expiresAt, released }`. The highest generation is the lease; lower ones
 * are history the next holder deletes. Taking the lease is a create-only write of the next generation
 * (`ObjectStorage.putIfAbsent`: S3 PutObject with `If-None-Match: *`, S3 User Guide "Conditional
 * writes"; a folder: link(2), which fails with EEXIST), so of any number of runs that find the lease
 * free or expired, exactly one creates the next generation and the others are told who holds it. A
 * generation is never reused (release marks it released instead of deleting it), so a run that lost its
 * lease can never mistake someone else's for its own.
 *
 * The holder renews its generation every third of the TTL; a run killed with `kill -9` or by the Lambda
 * timeout blocks the next one for at most the TTL. Before each write a run checks it still holds the
 * lease (locally: renewed in time; before the state write: also that no higher generation exists) and
 * stops with {@link LeaseLostError} otherwise. S3 has no fencing tokens, so a holder paused for longer
 * than the TTL between that check and its write can still write once; the TTL (default 120 s) is far
 * above any pause seen, and expiry times assume clocks within seconds of each other (NTP).
 */
import { hostname } from 'node:os';
import type { CompactionPrefixes } from '../lake-contract/index.ts';
import { AccessLakeError } from '../lib/errors/index.ts';
import type { ObjectStorage } from '../storage/index.ts';

/** What a lease object holds. Times are ISO-8601 UTC. */
export interface LeaseRecord {
  /** Who took it, for people: `accesslake compact pid 4242 on host-a`, `lambda <request id>`. */
  owner: string;
  /** Random per acquisition: tells this run's lease from any other. */
  token: string;
  acquiredAt: string;
  expiresAt: string;
  /** Set by release: the lease is free from then on, whatever `expiresAt` says. */
  released: boolean;
}

/** Another compaction holds the lake's lease: nothing was written. `holder` is its lease record. */
export class CompactionBusyError extends AccessLakeError {
  readonly holder: LeaseRecord | undefined;
  constructor(message: string, options: { cause?: unknown; holder?: LeaseRecord } = {}) {
    super(message, options);
    this.holder = options.holder;
  }
}

/** This run's lease expired or was taken over: it stops before writing anything more. */
export class LeaseLostError extends AccessLakeError {}

/** A lease object that is not a lease record: named, so it can be deleted by hand. */
export class LeaseRecordError extends AccessLakeError {}

export interface LeaseOptions {
  /** Shown to a run that finds the lease taken. Default `<process title> pid <pid> on <host>`. */
  owner?: string;
  /** How long the lease lasts without renewal, ms. Default {@link DEFAULT_LEASE_TTL_MS}. */
  ttlMs?: number;
  /** The clock, ms since the epoch (tests move it). Default `Date.now`. */
  clock?: () => number;
}

export interface Lease {
  readonly key: string;
  readonly record: LeaseRecord;
  /** Throws LeaseLostError unless the last renewal still covers now; no request. */
  assertFresh(): void;
  /** {@link assertFresh}, then reads the lease objects: throws LeaseLostError when ours is not the highest. */
  assertHeld(): Promise<void>;
  /** Stops renewing and marks the lease released, so the next run need not wait for it to expire. */
  release(): Promise<void>;
}

export const DEFAULT_LEASE_TTL_MS = 120_000;
const GENERATION_DIGITS = 12;

export function leasePrefix(prefixes: CompactionPrefixes): string {
  return `${prefixes.state}/lease/`;
}

function leaseKey(prefixes: CompactionPrefixes, generation: number): string {
  return `${leasePrefix(prefixes)}${String(generation).padStart(GENERATION_DIGITS, '0')}.json`;
}

function generationOf(key: string): number | undefined {
  const m = /\/(\d+)\.json$/.exec(key);
  return m ? Number(m[1]) : undefined;
}

/**
 * Takes the lake's compaction lease or throws {@link CompactionBusyError} naming its holder and when it
 * expires. An expired or released lease is taken over.
 *
 * @example
 * const lease = await acquireLease(storage, DEFAULT_COMPACTION_PREFIXES, { owner: 'lambda 3f2a…' });
 * try { … lease.assertFresh(); await storage.put(…); … } finally { await lease.release(); }
 */
export async function acquireLease(
  storage: ObjectStorage,
  prefixes: CompactionPrefixes,
  options: LeaseOptions = {},
): Promise<Lease> {
  const clock = options.clock ?? Date.now;
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!Number.isFinite(ttlMs) || ttlMs < 1) throw new RangeError(`lease TTL must be ≥ 1 ms, got ${ttlMs}`);
  const owner = options.owner ?? `${process.title} pid ${process.pid} on ${hostname()}`;

  const current = await highestLease(storage, prefixes);
  if (current !== undefined && isLive(current.record, clock())) throw busy(storage, current, clock());
  const generation = (current?.generation ?? 0) + 1;
  const key = leaseKey(prefixes, generation);
  const now = clock();
  let record: LeaseRecord = {
    owner,
    token: crypto.randomUUID(),
    acquiredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
    released: false,
  };
  if (!(await storage.putIfAbsent(key, encode(record), { contentType: 'application/json' }))) {
    // Another run created this generation between our read and our write: it holds the lease.
    const winner = await readLease(storage, key);
    throw busy(storage, { generation, key, record: winner ?? record }, clock(), winner === undefined);
  }
  // Earlier generations are history; only the highest counts, so a failed delete is harmless.
  for (const old of await storage.list(leasePrefix(prefixes))) {
    const g = generationOf(old);
    if (g !== undefined && g < generation) await storage.delete(old).catch(() => {});
  }

  let lost: unknown;
  let renewing: Promise<void> = Promise.resolve();
  const renew = () => {
    const at = clock();
    const next = { ...record, expiresAt: new Date(at + ttlMs).toISOString() };
    // Our generation is written only by us after its creation, so a plain put renews it.
    renewing = storage.put(key, encode(next), { contentType: 'application/json' }).then(
      () => {
        record = next;
      },
      (error: unknown) => {
        lost ??= error;
      },
    );
  };
  const timer = setInterval(renew, Math.max(1, Math.floor(ttlMs / 3)));
  // A run that has finished its work must not be kept alive by its renewals.
  timer.unref();

  const assertFresh = () => {
    if (lost !== undefined)
      throw new LeaseLostError(`could not renew the compaction lease ${at(storage)}${key}`, { cause: lost });
    if (clock() >= Date.parse(record.expiresAt))
      throw new LeaseLostError(
        `the compaction lease ${at(storage)}${key} expired at ${record.expiresAt} before this run finished; another compaction may hold it now, so this run stops without writing more`,
      );
  };
  return {
    key,
    get record() {
      return record;
    },
    assertFresh,
    async assertHeld() {
      assertFresh();
      const highest = await highestLease(storage, prefixes);
      if (highest?.key !== key || highest.record.token !== record.token) {
        const by = highest ? ` by ${highest.record.owner} (${at(storage)}${highest.key})` : '';
        throw new LeaseLostError(
          `the compaction lease ${at(storage)}${key} was taken over${by}; this run stops without writing more`,
        );
      }
    },
    async release() {
      clearInterval(timer);
      await renewing;
      if (lost !== undefined) return;
      const released = { ...record, expiresAt: new Date(clock()).toISOString(), released: true };
      await storage.put(key, encode(released), { contentType: 'application/json' });
      record = released;
    },
  };
}

interface Found {
  generation: number;
  key: string;
  record: LeaseRecord;
}

/** The highest-generation lease object, or undefined when there is none. */
async function highestLease(
  storage: ObjectStorage,
  prefixes: CompactionPrefixes,
): Promise<Found | undefined> {
  // A holder deletes only generations below its own, so the highest listed is still there when read;
  // a few retries cover a listing that raced such a delete.
  for (let attempt = 0; attempt < 5; attempt++) {
    const keys = (await storage.list(leasePrefix(prefixes))).filter((k) => generationOf(k) !== undefined);
    const key = keys.sort((a, b) => generationOf(a)! - generationOf(b)!).at(-1);
    if (key === undefined) return undefined;
    const record = await readLease(storage, key);
    if (record !== undefined) return { generation: generationOf(key)!, key, record };
  }
  throw new LeaseRecordError(
    `the compaction lease objects under ${at(storage)}${leasePrefix(prefixes)} kept changing while being read`,
  );
}

async function readLease(storage: ObjectStorage, key: string): Promise<LeaseRecord | undefined> {
  const bytes = await storage.get(key);
  if (bytes === undefined) return undefined;
  let value: Partial<LeaseRecord>;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes)) as Partial<LeaseRecord>;
  } catch (error) {
    throw new LeaseRecordError(`${at(storage)}${key} is not JSON; delete it if no compaction is running`, {
      cause: error,
    });
  }
  if (
    typeof value.owner !== 'string' ||
    typeof value.token !== 'string' ||
    typeof value.expiresAt !== 'string' ||
    Number.isNaN(Date.parse(value.expiresAt)) ||
    typeof value.released !== 'boolean'
  ) {
    throw new LeaseRecordError(
      `${at(storage)}${key}: expected {"owner","token","acquiredAt","expiresAt","released"}; delete it if no compaction is running`,
    );
  }
  return value as LeaseRecord;
}

function isLive(record: LeaseRecord, now: number): boolean {
  return !record.released && Date.parse(record.expiresAt) > now;
}

function busy(storage: ObjectStorage, found: Found, now: number, vanished = false): CompactionBusyError {
  const { record } = found;
  const seconds = Math.max(0, Math.ceil((Date.parse(record.expiresAt) - now) / 1000));
  const who = vanished ? 'another compaction' : `${record.owner} (since ${record.acquiredAt})`;
  return new CompactionBusyError(
    `another compaction holds the lake's lease ${at(storage)}${found.key}: ${who}; it expires at ${record.expiresAt} (in ${seconds} s) unless renewed. Nothing was written; run again when it is done`,
    { holder: record },
  );
}

/** Where a key is, for messages: the storage URL joined to the key with exactly one `/`. */
function at(storage: ObjectStorage): string {
  return storage.url.endsWith('/') ? storage.url : `${storage.url}/`;
}

function encode(record: LeaseRecord): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(record)}\n`);
}
