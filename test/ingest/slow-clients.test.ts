/**
 * Slow clients cannot starve the ingest: a client that sends headers and then nothing holds a batch slot
 * no longer than the body deadline (408), so under eight stalled uploads a normal batch is answered 200
 * within the deadline plus 5 s. Real Node server, real sockets; the deadline is configured short.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/app.ts';
import { type RunningServer, startNodeServer } from '../../ingest/server/node-server.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';

const BODY_DEADLINE_MS = 1_000;
const sockets: Socket[] = [];
let server: RunningServer | undefined;
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
});

/** Sends a batch POST's headers with `Content-Length: 1000` and then nothing, keeping the socket open. */
function stalledUpload(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        'POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          `Authorization: Bearer ${TOKEN}\r\nContent-Encoding: gzip\r\nContent-Length: 1000\r\n\r\n`,
      );
      resolve(socket);
    });
    socket.on('error', () => {});
    socket.once('error', reject);
    sockets.push(socket);
  });
}

describe('slow clients', () => {
  it('answers a normal batch 200 within the body deadline + 5 s while eight uploads stall', async () => {
    const app = createIngestApp({
      tokens: [TOKEN],
      storage: createMemoryStorage(),
      maxConcurrentBatches: 8,
      bodyTimeoutMs: BODY_DEADLINE_MS,
    });
    server = await startNodeServer(app.fetch, {
      host: '127.0.0.1',
      port: 0,
      bodyTimeoutMs: BODY_DEADLINE_MS,
    });
    for (let i = 0; i < 8; i++) await stalledUpload(server.port);
    // The stalled uploads hold the slots until their deadline: the batch is retried on 503, as the agent does.
    const giveUpAt = Date.now() + BODY_DEADLINE_MS + 5_000;
    const statuses: number[] = [];
    for (;;) {
      const res = await fetch(`${server.url}/v1/batches`, batchRequest(gzipLines([jsonLine()])));
      statuses.push(res.status);
      if (res.status !== 503 || Date.now() > giveUpAt) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.slice(0, -1).every((status) => status === 503)).toBe(true);
  });

  it('answers 408 to an upload whose body does not arrive within the deadline', async () => {
    const app = createIngestApp({
      tokens: [TOKEN],
      storage: createMemoryStorage(),
      bodyTimeoutMs: BODY_DEADLINE_MS,
    });
    server = await startNodeServer(app.fetch, {
      host: '127.0.0.1',
      port: 0,
      bodyTimeoutMs: BODY_DEADLINE_MS,
    });
    const socket = await stalledUpload(server.port);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('}')) resolve(text);
      });
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toMatch(/request body not received within 1 s/);
  });

  it('closes a connection whose headers do not arrive within the header timeout', async () => {
    const app = createIngestApp({ tokens: [TOKEN], storage: createMemoryStorage() });
    server = await startNodeServer(app.fetch, { host: '127.0.0.1', port: 0, headerTimeoutMs: 500 });
    const socket = await new Promise<Socket>((resolve) => {
      const s = connect(server!.port, '127.0.0.1', () => {
        s.write('POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        resolve(s);
      });
      s.on('error', () => {});
      sockets.push(s);
    });
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

/** Writes `request` raw on a new connection and resolves with everything answered until the close. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    sockets.push(socket);
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    // The server may close while the client still writes (EPIPE): what it answered is what counts.
    socket.on('error', () => resolve(text));
    socket.on('close', () => resolve(text));
  });
}

describe("requests Node's HTTP parser refuses", () => {
  it('answers a 60 KB header 431 and a malformed request 400, each with a JSON error; the server goes on', async () => {
    const app = createIngestApp({ tokens: [TOKEN], storage: createMemoryStorage() });
    server = await startNodeServer(app.fetch, { host: '127.0.0.1', port: 0 });
    const big = await rawExchange(
      server.port,
      `POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(60_000)}\r\n\r\n`,
    );
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4))).toEqual({
      error: expect.stringMatching(/^request headers are larger than \d+ bytes/),
    });
    const malformed = await rawExchange(server.port, 'POST /v1/batches HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n');
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    expect(malformed).toMatch(/"error":"malformed HTTP request \(HPE_/);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  });
});
