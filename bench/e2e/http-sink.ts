/**
 * A tiny HTTP sink on 127.0.0.1 that both shippers post to in the overhead runs, so the agent and
 * syslog-ng are compared doing the same job with nothing else on the host. It answers the agent's wire
 * protocol at once (`{ batchId, accepted: 0, rejected: 0, objects: [] }`; the agent takes `accepted` as
 * information only) and keeps the raw bodies: gunzipping and counting lines happen when `counts()` is
 * asked, after the load, so the sink costs next to nothing on the two cores nginx and the shipper share.
 * (Counting during the load cost the sink 17–24% of a core, more than the agent it was measuring.)
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
  const pending: { raw: Buffer; gzip: boolean }[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    if (req.method !== 'POST') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    counts.requests++;
    counts.wireBytes += raw.length;
    pending.push({ raw, gzip: req.headers['content-encoding'] === 'gzip' });
    const batchId = String(req.headers['idempotency-key'] ?? `sink-${counts.requests}`);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ batchId, accepted: 0, rejected: 0, objects: [] }));
  };
  // Everything received so far, counted now: a snapshot of what had arrived when it is called.
  const drain = () => {
    for (const { raw, gzip } of pending.splice(0)) {
      const body = gzip ? gunzipSync(raw) : raw;
      counts.bodyBytes += body.length;
      counts.lines += countLines(body);
    }
    return { ...counts };
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
    counts: drain,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function countLines(body: Buffer): number {
  let lines = 0;
  for (let at = body.indexOf(10); at !== -1; at = body.indexOf(10, at + 1)) lines++;
  if (body.length > 0 && body[body.length - 1] !== 10) lines++;
  return lines;
}
