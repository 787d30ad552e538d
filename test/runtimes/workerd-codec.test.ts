/**
 * Decides, by running it, which gzip backend the Worker uses: loadGzipCodec() imports node:zlib
 * dynamically and falls back to fflate. With wrangler.toml's nodejs_compat, workerd provides node:zlib
 * (native code, cheaper in Worker CPU time than pure-JS fflate), and it must behave like Node's: the
 * decompressed-size cap is a GunzipLimitError (→ 413), a bad stream a CorruptGzipError (→ 400).
 * Without nodejs_compat the fallback works too, but the ingest bundle itself does not load.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWranglerToml, startWorkerd } from './support/workerd.ts';

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'accesslake-codec-'));
});
afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function probe(name: string, compatibilityFlags?: string[]): Promise<Record<string, unknown>> {
  const worker = await startWorkerd({
    name,
    workDir: join(workDir, name),
    entry: 'test/runtimes/support/codec-probe.ts',
    bindings: {},
    // Keep the dynamic import of node:zlib a separate chunk, so that without nodejs_compat it can fail
    // on its own and the fallback is exercised.
    splitting: true,
    ...(compatibilityFlags ? { compatibilityFlags } : {}),
  });
  try {
    return (await (await fetch(`${worker.url}/`)).json()) as Record<string, unknown>;
  } finally {
    await worker.stop();
  }
}

const EXPECTED = {
  roundTrip: true,
  bomb: 'GunzipLimitError',
  corrupt: 'CorruptGzipError',
  truncated: 'CorruptGzipError',
  crcFlip: 'CorruptGzipError',
};

let plain: Promise<Record<string, unknown>> | undefined;

describe('gzip in workerd', () => {
  it('wrangler.toml enables nodejs_compat', async () => {
    expect((await readWranglerToml()).compatibility_flags).toContain('nodejs_compat');
  });

  it('uses node:zlib under nodejs_compat, with the same error classes as in Node', async () => {
    expect(await probe('compat')).toEqual({ codec: 'node:zlib', ...EXPECTED });
  });

  it('falls back to fflate without nodejs_compat: round trip, cap and corrupt stream as in Node', async () => {
    plain ??= probe('plain', []);
    expect(await plain).toMatchObject({
      codec: 'fflate',
      roundTrip: true,
      bomb: 'GunzipLimitError',
      corrupt: 'CorruptGzipError',
    });
  });

  // fflate checks each member's CRC-32 and ISIZE itself (lib/gzip/fflate.ts), like node:zlib.
  it('fflate rejects a truncated stream and a bad CRC like node:zlib does', async () => {
    plain ??= probe('plain', []);
    expect(await plain).toEqual({ codec: 'fflate', ...EXPECTED });
  });

  it('cannot load the ingest bundle without nodejs_compat (its node: imports), so the flag is required', async () => {
    await expect(
      startWorkerd({
        name: 'ingest-without-compat',
        workDir: join(workDir, 'ingest-plain'),
        bindings: { ACCESSLAKE_TOKENS: 'some-token-0001', ACCESSLAKE_STORAGE: 's3://bucket/x' },
        compatibilityFlags: [],
      }),
    ).rejects.toThrow(/node:/);
  });
});
