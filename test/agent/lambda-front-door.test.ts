/**
 * The agent against the ingest as deployed on Lambda, in process: each request goes through a Function
 * URL front door (the event shape of harness/lambda-events.ts, binary bodies base64) into
 * the Lambda adapter. The front door refuses what Lambda refuses before the function runs: an invocation
 * payload over 6 MB ("Lambda quotas", https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html,
 * synchronous invocation payload), answered 413 here as the agent sees it. That refusal cannot be
 * reproduced against AWS here; the function's own cap (ACCESSLAKE_MAX_BODY_BYTES, 4 MiB in the stack)
 * answers 413 the same way, and the agent must split and continue on either.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { handle } from 'hono/aws-lambda';
import { expect } from 'vitest';
import { fromLambdaResult, type LambdaHttpResult, toLambdaEvent } from '../../harness/index.ts';
import { createLogger } from '../../lib/log/index.ts';
import { createLambdaIngest } from '../../runtimes/aws-lambda/create-ingest.ts';
import type { HttpTransport } from '../../shipper-agent/index.ts';
import { startAgent } from '../../shipper-agent/index.ts';
import { jsonLine, test, waitFor } from './fixtures.ts';

const TOKEN = 'lambda-front-door-token';
/** Lambda's synchronous invocation payload limit: 6 MB (6,291,456 bytes) of event JSON. */
const LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024;

/** The agent's transport: HTTP → Function URL event → Lambda handler → HTTP, with Lambda's own limit. */
async function functionUrlIngest(env: Record<string, string>) {
  const app = await createLambdaIngest(
    { ACCESSLAKE_STORAGE: 'memory://', ACCESSLAKE_TOKENS: TOKEN, ...env },
    { logSink: () => {} },
  );
  /** Records accepted per batch, from the function's answers (its memory lake is its own). */
  const accepted: number[] = [];
  const handler = handle(app) as unknown as (event: unknown, context: unknown) => Promise<LambdaHttpResult>;
  const answers: number[] = [];
  const transport: HttpTransport = async (url, init) => {
    const request = new Request(url, init as RequestInit);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const event = toLambdaEvent(
      {
        method: request.method,
        url: new URL(request.url).pathname,
        headers,
        body: new Uint8Array(await request.arrayBuffer()),
        sourceIp: '192.0.2.10',
      },
      'function-url',
    );
    const payload = Buffer.byteLength(JSON.stringify(event));
    if (payload > LAMBDA_PAYLOAD_LIMIT) {
      answers.push(413);
      return new Response(JSON.stringify({ message: 'Request Entity Too Large' }), { status: 413 });
    }
    const answer = fromLambdaResult(await handler(event, {}));
    answers.push(answer.status);
    if (answer.status === 200 && headers['idempotency-key'] !== 'agent-access-check') {
      accepted.push((JSON.parse(new TextDecoder().decode(answer.body)) as { accepted: number }).accepted);
    }
    return new Response(new Uint8Array(answer.body), { status: answer.status, headers: answer.headers });
  };
  return { transport, answers, accepted: () => accepted.reduce((a, b) => a + b, 0) };
}

/** Lines that gzip poorly (random base64url in the path), so a batch's body stays close to its raw size. */
function noisyLines(count: number, randomPerLine = 48): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    out += `${jsonLine(`/n/${i}/${randomBytes(randomPerLine).toString('base64url')}`)}\n`;
  }
  return out;
}

async function shipThrough(
  dir: string,
  ingest: Awaited<ReturnType<typeof functionUrlIngest>>,
  lines: number,
  batchBytes: number,
  randomPerLine?: number,
) {
  const log = join(dir, 'access.log');
  await writeFile(log, noisyLines(lines, randomPerLine));
  const logs: Array<Record<string, unknown>> = [];
  const agent = await startAgent({
    endpoint: 'https://abcdefghij.lambda-url.us-east-1.on.aws',
    token: TOKEN,
    source: 'lambda-host',
    files: [log],
    stateDir: join(dir, 'state'),
    batchBytes,
    batchAgeMs: 100,
    pollIntervalMs: 50,
    retryBaseMs: 10,
    retryMaxMs: 50,
    shutdownTimeoutMs: 3000,
    transport: ingest.transport,
    logger: createLogger({ level: 'debug', sink: (line) => logs.push(JSON.parse(line)) }),
  });
  await waitFor(() => agent.status().totals.linesShipped === lines, 30_000, `${lines} lines`);
  await agent.stop();
  return logs;
}

test('the function’s own cap answers 413 and the agent splits and delivers every line', async ({ dir }) => {
  const ingest = await functionUrlIngest({ ACCESSLAKE_MAX_BODY_BYTES: '16KiB' });
  const logs = await shipThrough(dir, ingest, 400, 256 * 1024);
  expect(ingest.accepted()).toBe(400);
  expect(ingest.answers).toContain(413);
  expect(ingest.answers.at(-1)).toBe(200);
  expect(logs.some((l) => String(l.message).includes('too large (413)'))).toBe(true);
});

test('Lambda’s 6 MB payload limit (base64 makes a body 4/3 larger) is a 413 the agent splits on too', async ({
  dir,
}) => {
  // No function cap in the way: only the front door's payload limit can refuse. 5 MiB of poorly
  // compressible lines fit the function's cap but not the payload once base64-encoded.
  const ingest = await functionUrlIngest({
    ACCESSLAKE_MAX_BODY_BYTES: '64MiB',
    ACCESSLAKE_MAX_DECOMPRESSED_BYTES: '64MiB',
  });
  // About 800 raw bytes a line, 600 of them random: an 8 MiB batch gzips to over 4.5 MB, over 6 MB as
  // base64; half of it fits.
  await shipThrough(dir, ingest, 20_000, 8 * 1024 * 1024, 450);
  expect(ingest.answers).toContain(413);
  expect(ingest.accepted()).toBe(20_000);
}, 60_000);
