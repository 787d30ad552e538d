/**
 * A tiny HTTP sink on 127.0.0.1 that both shippers post to in the overhead runs, so the agent and
 * syslog-ng are compared doing the same job with nothing else on the host: it counts requests, wire
 * bytes and log lines (gunzipping gzip bodies), and answers the agent's wire protocol with the
 * `{ batchId, accepted, rejected, objects }` the ingest would give, without storing anything.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface SinkCounts {
  requests: number;
  wireBytes: number;
  bodyBytes: number;
  lines: number;
}

export interface HttpSink {
  url: string;
  counts(): SinkCounts;
  close(): Promise<void>;
}

export async function startHttpSink(): Promise<HttpSink> {
  const counts: SinkCounts = { requests: 0, wireBytes: 0, bodyBytes: 0, lines: 0 };
  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    if (req.method !== 'POST') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    let lines = 0;
    for (const byte of body) if (byte === 10) lines++;
    if (body.length > 0 && body[body.length - 1] !== 10) lines++;
    counts.requests++;
    counts.wireBytes += raw.length;
    counts.bodyBytes += body.length;
    counts.lines += lines;
    const batchId = String(req.headers['idempotency-key'] ?? `sink-${counts.requests}`);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ batchId, accepted: lines, rejected: 0, objects: [] }));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
