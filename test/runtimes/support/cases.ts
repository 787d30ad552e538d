/**
 * The black-box cases every runtime must answer identically. Bodies are built once, so every runtime
 * receives the same bytes.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export const BATCH_ID = 'rt-batch-0001';

function line(ts: string, path: string, status: number | string): string {
  return JSON.stringify({
    ts,
    remote_addr: '203.0.113.9',
    method: 'GET',
    path,
    protocol: 'HTTP/1.1',
    status,
    bytes_sent: 512,
    request_time: 0.012,
    user_agent: 'curl/8.5.0',
    referer: '-',
  });
}

/** Three lines in hour 14, two in hour 15 (one of them in another offset), one line that must be rejected. */
export const GOOD_LINES = [
  line('2025-01-10T14:31:02+00:00', '/a', 200),
  line('2025-01-10T14:59:59+00:00', '/b?q=1', 404),
  line('2025-01-10T15:00:00+00:00', '/c', 500),
  line('2025-01-10T14:00:00+00:00', '/d', 301),
  line('2025-01-10T16:10:00+01:00', '/e', 200),
  line('2025-01-10T14:45:00+00:00', '/f', 'not-a-status'),
];

export interface Case {
  name: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
}

export function buildCases(
  token: string,
  limits: { maxBodyBytes: number; maxDecompressedBytes: number },
): Case[] {
  const headers = (extra: Record<string, string> = {}) => ({
    Authorization: `Bearer ${token}`,
    'Content-Encoding': 'gzip',
    'Content-Type': 'application/octet-stream',
    'Idempotency-Key': BATCH_ID,
    'X-Log-Format': 'json',
    'X-Source': 'web-1',
    ...extra,
  });
  const good = new Uint8Array(gzipSync(`${GOOD_LINES.join('\n')}\n`));
  // Valid header and magic, then a corrupted deflate stream.
  const broken = good.slice();
  for (let i = 12; i < 40; i++) broken[i] = 0xff;
  // Random bytes do not compress: the gzip is larger than the wire cap.
  const oversized = new Uint8Array(gzipSync(randomBytes(limits.maxBodyBytes + 1024)));
  // A few KiB on the wire that inflate past the decompressed cap.
  const bomb = new Uint8Array(gzipSync(Buffer.alloc(limits.maxDecompressedBytes * 2, 0x41), { level: 9 }));
  return [
    { name: 'good batch', headers: headers(), body: good },
    { name: 'same batch again', headers: headers(), body: good },
    { name: 'broken gzip', headers: headers({ 'Idempotency-Key': 'rt-broken-0001' }), body: broken },
    {
      name: 'wrong token',
      headers: headers({ Authorization: 'Bearer not-the-right-token', 'Idempotency-Key': 'rt-token-0001' }),
      body: good,
    },
    { name: 'oversized body', headers: headers({ 'Idempotency-Key': 'rt-big-0001' }), body: oversized },
    { name: 'gzip bomb', headers: headers({ 'Idempotency-Key': 'rt-bomb-0001' }), body: bomb },
  ];
}
