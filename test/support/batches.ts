/** Builders for wire-protocol batches used across the ingest tests. */
import { gzipSync } from 'node:zlib';

export const TOKEN = 'test-token-0001';

export interface LineOverrides {
  ts?: string;
  path?: string;
  status?: number | string;
  [key: string]: unknown;
}

/** One nginx JSON line in the documented format, with overridable fields. */
export function jsonLine(overrides: LineOverrides = {}): string {
  return JSON.stringify({
    ts: '2025-01-10T14:31:02+00:00',
    remote_addr: '203.0.113.9',
    method: 'GET',
    path: '/index.html',
    protocol: 'HTTP/1.1',
    status: 200,
    bytes_sent: 512,
    request_time: 0.012,
    user_agent: 'curl/8.5.0',
    referer: '-',
    ...overrides,
  });
}

export function gzipLines(lines: string[]): Uint8Array {
  return new Uint8Array(gzipSync(`${lines.join('\n')}\n`));
}

export function batchRequest(
  body: Uint8Array | string,
  headers: Record<string, string> = {},
): RequestInit & { headers: Record<string, string> } {
  return {
    method: 'POST',
    body: body as BodyInit,
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Encoding': 'gzip',
      'Idempotency-Key': 'batch-000001',
      'X-Source': 'web-1',
      'X-Log-Format': 'json',
      ...headers,
    },
  };
}
