/**
 * POSTs over node:http / node:https with a keep-alive agent. Not `fetch`: on 8 MiB batches undici's
 * fetch added ~30 MB to the agent's peak RSS (web streams around every body), against a budget of 80 MB
 * for the whole agent; node:http writes the one Buffer as it is. The interface is the small part of
 * fetch the sender uses, so tests can hand in `fetch` itself (a Response fits).
 */
// The module objects, not named imports: `http.request` is looked up at call time, so interceptors
// (msw in tests, APM agents) that patch it see the agent's requests.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

/** The part of a fetch Response the sender reads. */
export interface HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface HttpInit {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Uint8Array;
  signal?: AbortSignal;
}

export type HttpTransport = (url: string, init: HttpInit) => Promise<HttpAnswer>;

/** ingest answers with a small JSON object; anything longer is cut (it only goes into error messages). */
const MAX_ANSWER_BYTES = 64 * 1024;

export function createNodeTransport(): HttpTransport {
  // One batch in flight at a time, plus the odd start-up check: two sockets are plenty.
  const plainAgent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const secureAgent = new https.Agent({ keepAlive: true, maxSockets: 2 });
  return (url, init) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const headers: Record<string, string> = { ...init.headers };
      if (init.body) headers['Content-Length'] = String(init.body.byteLength);
      const options = {
        method: init.method,
        headers,
        agent: secure ? secureAgent : plainAgent,
        ...(init.signal ? { signal: init.signal } : {}),
      };
      const req = (secure ? https : http).request(target, options, (res) =>
        collect(res).then(resolve, reject),
      );
      req.on('error', reject);
      req.end(init.body);
    });
}

function collect(res: IncomingMessage): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    res.on('error', reject);
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES);
      const status = res.statusCode ?? 0;
      resolve({
        status,
        ok: status >= 200 && status < 300,
        headers: {
          get(name) {
            const value = res.headers[name.toLowerCase()];
            return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
          },
        },
        text: async () => text,
      });
    });
  });
}
