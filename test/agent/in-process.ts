/**
 * An agent against the real ingest app, in one process: the agent's `fetch` calls `app.fetch` directly,
 * so every batch goes through ingest's auth, gunzip, parsing and lake writer into memory storage.
 */
import { createIngestApp } from '../../ingest/app.ts';
import type { BodyLimits } from '../../ingest/body/read-body.ts';
import { createLogger } from '../../lib/log/index.ts';
import type { HttpTransport } from '../../shipper-agent/index.ts';
import { type AgentOptions, type RunningAgent, startAgent } from '../../shipper-agent/index.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { readAllRecords } from '../support/lake.ts';

export const TOKEN = 'secret-token-1';

export interface SentRequest {
  key: string | null;
  status: number;
  body: Uint8Array;
}

export function inProcessIngest(limits: Partial<BodyLimits> = {}) {
  const storage = createMemoryStorage();
  const app = createIngestApp({ tokens: [TOKEN], storage, limits });
  const requests: SentRequest[] = [];
  /** Runs before ingest sees a request; may answer instead of it. */
  let intercept: ((request: Request, forward: () => Promise<Response>) => Promise<Response>) | undefined;
  const fetchImpl: HttpTransport = async (url, init) => {
    const request = new Request(url, init as RequestInit);
    const body = new Uint8Array(await request.clone().arrayBuffer());
    const forward = async () => app.fetch(request);
    const response = intercept ? await intercept(request, forward) : await forward();
    requests.push({ key: request.headers.get('Idempotency-Key'), status: response.status, body });
    return response;
  };
  return {
    storage,
    fetch: fetchImpl,
    requests,
    /** Data batches only (not the start-up access check). */
    batches: () => requests.filter((r) => r.key !== 'agent-access-check'),
    setIntercept(fn: typeof intercept) {
      intercept = fn;
    },
    async paths(): Promise<string[]> {
      return (await readAllRecords(storage)).map((r) => String(r.path)).sort();
    },
  };
}

export type InProcessIngest = ReturnType<typeof inProcessIngest>;

export interface TestAgent extends RunningAgent {
  logs: Array<Record<string, unknown>>;
}

/** Starts an agent with test-sized timings; its JSON logs are kept in `logs`. */
export async function startTestAgent(
  ingest: InProcessIngest,
  options: Partial<AgentOptions> & Pick<AgentOptions, 'files' | 'stateDir'>,
): Promise<TestAgent> {
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'debug', sink: (line) => logs.push(JSON.parse(line)) });
  const agent = await startAgent({
    endpoint: 'http://ingest.test',
    token: TOKEN,
    source: 'test-host',
    batchAgeMs: 100,
    pollIntervalMs: 50,
    rotatedGraceMs: 200,
    partialLineWaitMs: 200,
    shutdownTimeoutMs: 3000,
    retryBaseMs: 10,
    retryMaxMs: 50,
    transport: ingest.fetch,
    logger,
    ...options,
  });
  return Object.assign(agent, { logs });
}

/** `/p/<prefix>-<i>` for i in [from, from+count), sorted like `paths()`. */
export function expectedPaths(prefix: string, count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => `/p/${prefix}-${from + i}`);
}
