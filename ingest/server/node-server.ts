/**
 * Node adapter: serves the ingest app's `fetch` on a host and port with @hono/node-server, with socket
 * deadlines so a client that sends nothing cannot hold a connection: `headersTimeout` for the request
 * headers, `requestTimeout` for the whole request (headers + body deadline), checked every second
 * (`connectionsCheckingInterval`; Node's default of 30 s would let a stalled socket live that much
 * longer). Node HTTP docs: server.headersTimeout, server.requestTimeout.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { AccessLakeError } from '../../lib/errors/index.ts';
import { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_HEADER_TIMEOUT_MS } from '../options.ts';
import { answerClientError } from './client-errors.ts';

export interface RunningServer {
  /** `http://127.0.0.1:8080` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export class ListenError extends AccessLakeError {}

export interface NodeServerOptions {
  host: string;
  port: number;
  /** Default 10 000. */
  headerTimeoutMs?: number;
  /** The app's body deadline; the socket is closed if the whole request is not in by headers + body. Default 30 000. */
  bodyTimeoutMs?: number;
}

export function startNodeServer(
  fetch: (request: Request) => Response | Promise<Response>,
  options: NodeServerOptions,
): Promise<RunningServer> {
  const headersTimeout = options.headerTimeoutMs ?? DEFAULT_HEADER_TIMEOUT_MS;
  const requestTimeout = headersTimeout + (options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    const serverOptions = { headersTimeout, requestTimeout, connectionsCheckingInterval: 1000 };
    const server = serve(
      { fetch, hostname: options.host, port: options.port, serverOptions },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          port: info.port,
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      },
    );
    server.on('clientError', answerClientError);
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'EADDRINUSE'
          ? `port ${options.port} on ${options.host} is already in use: stop the other process or pass --port`
          : error.code === 'EACCES'
            ? `no permission to listen on ${options.host}:${options.port}: use a port above 1023`
            : `cannot listen on ${options.host}:${options.port}: ${error.message}`;
      reject(new ListenError(hint, { cause: error }));
    });
  });
}
