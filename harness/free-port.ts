import { createServer } from 'node:net';

/**
 * A TCP port that was free on 127.0.0.1 a moment ago, for a server a test or bench is about to start
 * (nginx, moto_server, a runtime): the OS picks it (`listen(0)`), the probe closes, the caller binds it.
 * Another process can take it in between; callers that start real servers retry or fail with its name.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
