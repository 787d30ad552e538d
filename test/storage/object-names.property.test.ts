/**
 * Object and claim names stay within the file-name limit for every source (`X-Source`: 1–128 printable
 * ASCII) and Idempotency-Key (8–128 chars) the wire protocol allows, and distinct sources never share a
 * name. A 128 × `/` source with a 128-char key once made a 500-byte name: ENAMETOOLONG on every retry and
 * `/readyz` degraded.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/app.ts';
import {
  batchClaimKey,
  DEFAULT_PREFIXES,
  dataObjectKey,
  encodeSourceLabel,
  rejectsObjectKey,
} from '../../lake-contract/index.ts';
import { createFileStorage } from '../../storage/drivers/file.ts';
import { createMemoryStorage, type ObjectStorage, StorageError } from '../../storage/index.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';

const NAME_MAX = 255;
const S3_KEY_MAX = 1024;
const printable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
/** Sources of every allowed length, often made of `/` (3 bytes encoded) to reach the worst case. */
const source = fc.oneof(
  fc.string({ unit: printable, minLength: 1, maxLength: 128, size: 'max' }),
  fc.string({ unit: fc.constantFrom('/', 'x', '.', '_'), minLength: 1, maxLength: 128, size: 'max' }),
);
const batchId = fc.string({
  unit: fc.constantFrom(...'ABCXYZabcxyz0189_-'.split('')),
  minLength: 8,
  maxLength: 128,
  size: 'max',
});
const bytes = (s: string) => new TextEncoder().encode(s).byteLength;

describe('object names', () => {
  it('stay within 255 bytes per segment and 1024 per key for every allowed source and key', () => {
    fc.assert(
      fc.property(source, batchId, fc.integer({ min: 0, max: 9_999_999 }), (src, id, n) => {
        const keys = [
          dataObjectKey(DEFAULT_PREFIXES, '2025-01-10T14:31:02.000Z', src, id, n),
          rejectsObjectKey(DEFAULT_PREFIXES, src, id),
          batchClaimKey(DEFAULT_PREFIXES, src, id),
        ];
        for (const key of keys) {
          expect(bytes(key)).toBeLessThanOrEqual(S3_KEY_MAX);
          for (const segment of key.split('/')) expect(bytes(segment)).toBeLessThanOrEqual(NAME_MAX);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the worst case: 128 × "/" with a 128-char key and a 7-digit hour number', () => {
    const key = dataObjectKey(
      DEFAULT_PREFIXES,
      '2025-01-10T14:31:02.000Z',
      '/'.repeat(128),
      'k'.repeat(128),
      9_999_999,
    );
    expect(bytes(key.split('/').at(-1)!)).toBeLessThanOrEqual(NAME_MAX);
  });

  it('never gives two distinct sources the same name, and never a "_"', () => {
    fc.assert(
      fc.property(source, source, (a, b) => {
        fc.pre(a !== b);
        expect(encodeSourceLabel(a)).not.toBe(encodeSourceLabel(b));
        expect(encodeSourceLabel(a)).not.toContain('_');
      }),
      { numRuns: 1000 },
    );
    // Near misses: sources equal up to their last character, long enough to be digested.
    const long = 'x'.repeat(127);
    expect(encodeSourceLabel(`${long}a`)).not.toBe(encodeSourceLabel(`${long}b`));
    expect(encodeSourceLabel('/'.repeat(128))).not.toBe(encodeSourceLabel('/'.repeat(127)));
  });

  it('keeps a short source readable and a long one as a readable prefix and its digest', () => {
    expect(encodeSourceLabel('dc=eu/web-1')).toBe('dc.3deu.2fweb-1');
    const long = encodeSourceLabel('/'.repeat(128));
    expect(long).toMatch(/^(\.2f){13}\.z[0-9a-f]{32}$/);
  });

  // Object names are a stored contract: whichever SHA-256 implementation the lake contract uses, a long
  // source's digest must stay the first 16 bytes of the standard SHA-256 of its UTF-8 bytes.
  it("digests a long source as the first 16 bytes of node:crypto's SHA-256", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'abc/=_.-~é'), minLength: 65, maxLength: 200 }),
        (source) => {
          const expected = createHash('sha256').update(source, 'utf8').digest('hex').slice(0, 32);
          expect(encodeSourceLabel(source)).toMatch(new RegExp(`\\.z${expected}$`));
        },
      ),
    );
  });
});

describe('the ingest with the longest source and key', () => {
  it.each([['/'.repeat(128)], ['x'.repeat(128)]])(
    'stores the batch in a folder lake (source %#) and stays ready',
    async (src) => {
      const dir = await mkdtemp(join(tmpdir(), 'accesslake-names-'));
      try {
        const app = createIngestApp({ tokens: [TOKEN], storage: createFileStorage(dir) });
        const res = await app.request(
          '/v1/batches',
          batchRequest(gzipLines([jsonLine(), 'not json']), {
            'X-Source': src,
            'Idempotency-Key': 'k'.repeat(128),
          }),
        );
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ accepted: 1, rejected: 1 });
        expect((await app.request('/readyz')).status).toBe(200);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('answers 400 to a key storage refuses, without marking /readyz degraded', async () => {
    const inner = createMemoryStorage();
    const refusing: ObjectStorage = {
      ...inner,
      url: inner.url,
      put: async () => {
        throw new StorageError('cannot write: ENAMETOOLONG', { refusedKey: true });
      },
      putIfAbsent: async () => {
        throw new StorageError('cannot write: ENAMETOOLONG', { refusedKey: true });
      },
      get: (key) => inner.get(key),
      list: (prefix) => inner.list(prefix),
      delete: (key) => inner.delete(key),
    };
    const app = createIngestApp({ tokens: [TOKEN], storage: refusing });
    const res = await app.request('/v1/batches', batchRequest(gzipLines([jsonLine()])));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/refused this batch's object name/);
    expect((await app.request('/readyz')).status).toBe(200);
  });
});
