/** Node adapter: serves the ingest app's `fetch` on a host and port with @hono/node-server. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { AccessLakeError } from '../../lib/errors/index.ts';

export interface RunningServer {
  /** `http://127.0.0.1:8080` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export class ListenError extends AccessLakeError {}

export function startNodeServer(
  fetch: (request: Request) => Response | Promise<Response>,
  options: { host: string; port: number },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: options.host, port: options.port }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
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
