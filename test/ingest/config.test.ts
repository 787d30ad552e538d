/** The hardening settings of `accesslake serve` (and every entry point): defaults, units and bad values. */
import { describe, expect, it } from 'vitest';
import { resolveIngestConfig } from '../../ingest/config.ts';

const base = { ACCESSLAKE_TOKENS: 'config-token-1' };

describe('ingest hardening settings', () => {
  it('defaults to a 30 s body deadline, a 10 s header timeout and a 256 MiB memory budget', () => {
    const config = resolveIngestConfig({}, base);
    expect(config).toMatchObject({
      bodyTimeoutMs: 30_000,
      headerTimeoutMs: 10_000,
      maxDecompressedInFlight: 256 * 1024 * 1024,
    });
  });

  it('reads flags over environment variables, with units', () => {
    const config = resolveIngestConfig(
      { 'body-timeout': '2s', 'max-decompressed-in-flight': '300MiB' },
      { ...base, ACCESSLAKE_BODY_TIMEOUT: '9s', ACCESSLAKE_HEADER_TIMEOUT: '500ms' },
    );
    expect(config).toMatchObject({
      bodyTimeoutMs: 2_000,
      headerTimeoutMs: 500,
      maxDecompressedInFlight: 300 * 1024 * 1024,
    });
  });

  it('raises the default budget to a larger per-batch cap, so one batch at the cap always fits', () => {
    const config = resolveIngestConfig({ 'max-decompressed-bytes': '512MiB' }, base);
    expect(config.maxDecompressedInFlight).toBe(512 * 1024 * 1024);
  });

  it('refuses a budget below the per-batch cap, naming both settings', () => {
    expect(() => resolveIngestConfig({ 'max-decompressed-in-flight': '64MiB' }, base)).toThrow(
      /--max-decompressed-in-flight .* is below --max-decompressed-bytes/,
    );
  });

  it.each([
    ['body-timeout', 'soon', /--body-timeout: "soon" is not a duration/],
    ['body-timeout', '2h', /--body-timeout: "2h" is not within 100ms–1h/],
    ['header-timeout', '10ms', /--header-timeout: "10ms" is not within 100ms–1h/],
  ])('refuses --%s %s', (flag, value, message) => {
    expect(() => resolveIngestConfig({ [flag]: value }, base)).toThrow(message);
  });
});
