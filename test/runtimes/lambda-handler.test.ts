/**
 * The Lambda adapter in-process, with the event shapes of harness/lambda-events.ts:
 * base64 gzip bodies are decoded by hono's adapter for both front doors, configuration (and the token
 * secret) is read once per container, and logs are one JSON object per line.
 */
import { gzipSync } from 'node:zlib';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { handle } from 'hono/aws-lambda';
import { describe, expect, it } from 'vitest';
import { fromLambdaResult, type LambdaHttpResult, toLambdaEvent } from '../../harness/index.ts';
import { createLambdaIngest } from '../../runtimes/aws-lambda/create-ingest.ts';

const TOKEN = 'lambda-token-0001';
const LINE = JSON.stringify({
  ts: '2025-01-10T14:31:02+00:00',
  remote_addr: '198.51.100.7',
  method: 'POST',
  path: '/api',
  status: 201,
  bytes_sent: 10,
});
const GZIPPED = new Uint8Array(gzipSync(`${LINE}\n`));

function batchEvent(door: 'function-url' | 'http-api', body: Uint8Array = GZIPPED, token = TOKEN) {
  return toLambdaEvent(
    {
      method: 'POST',
      url: '/v1/batches',
      headers: {
        authorization: `Bearer ${token}`,
        'content-encoding': 'gzip',
        'content-type': 'application/octet-stream',
        'idempotency-key': 'lambda-batch-0001',
        'x-source': 'web-2',
      },
      body,
      sourceIp: '192.0.2.10',
    },
    door,
  );
}

/** A Secrets Manager client that answers GetSecretValue and counts the calls. */
function fakeSecrets(secretString: string) {
  const calls: unknown[] = [];
  const client = {
    send: async (command: { input: unknown }) => {
      calls.push(command.input);
      return { SecretString: secretString };
    },
  } as unknown as SecretsManagerClient;
  return { client, calls };
}

async function makeHandler(env: Record<string, string>, secret = fakeSecrets(TOKEN)) {
  const lines: string[] = [];
  const app = await createLambdaIngest(
    { ACCESSLAKE_LAKE: 'memory://', ...env },
    { secrets: { client: secret.client }, logSink: (line) => lines.push(line) },
  );
  const handler = handle(app) as unknown as (event: unknown, context: unknown) => Promise<LambdaHttpResult>;
  return { handler, lines, secret };
}

describe('Lambda handler', () => {
  it.each(['function-url', 'http-api'] as const)(
    'decodes a base64 gzip body from a %s event',
    async (door) => {
      const event = batchEvent(door);
      expect(event).toMatchObject({ version: '2.0', isBase64Encoded: true });
      const { handler } = await makeHandler({ ACCESSLAKE_TOKENS: TOKEN });
      const answer = fromLambdaResult(await handler(event, {}));
      expect(answer.status).toBe(200);
      expect(JSON.parse(new TextDecoder().decode(answer.body))).toEqual({
        batchId: 'lambda-batch-0001',
        accepted: 1,
        rejected: 0,
        objects: [
          'access_logs/year=2025/month=01/day=10/hour=14/access_20250110T143102Z_web-2_lambda-batch-0001-0.jsonl.gz',
        ],
      });
    },
  );

  it('cannot recover a gzip batch labelled text/plain: the front door passes it as text (400)', async () => {
    const { handler } = await makeHandler({ ACCESSLAKE_TOKENS: TOKEN });
    const event = toLambdaEvent(
      {
        method: 'POST',
        url: '/v1/batches',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-encoding': 'gzip',
          'content-type': 'text/plain; charset=utf-8',
          'idempotency-key': 'lambda-batch-0002',
        },
        body: GZIPPED,
        sourceIp: '192.0.2.10',
      },
      'function-url',
    );
    expect(event.isBase64Encoded).toBe(false);
    const answer = fromLambdaResult(await handler(event, {}));
    expect(answer.status).toBe(400);
    expect(new TextDecoder().decode(answer.body)).toMatch(/does not start with 1f 8b/);
  });

  it('answers 413 to a Function URL body over the stack’s 4 MiB cap, before storing anything', async () => {
    // deploy/ingest-function.ts sets ACCESSLAKE_MAX_BODY_BYTES=4MiB: 4 MiB as base64 is 5.6 MB, under
    // Lambda's 6 MB payload limit, so the function's own 413 is the one the agent meets.
    const { handler, lines } = await makeHandler({
      ACCESSLAKE_TOKENS: TOKEN,
      ACCESSLAKE_MAX_BODY_BYTES: '4MiB',
    });
    const over = new Uint8Array(4 * 1024 * 1024 + 1);
    over.set(GZIPPED); // starts like gzip; the cap is checked on the compressed bytes, before gunzip
    const event = batchEvent('function-url', over);
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(6 * 1024 * 1024);
    const answer = fromLambdaResult(await handler(event, {}));
    expect(answer.status).toBe(413);
    expect(new TextDecoder().decode(answer.body)).toMatch(/4194304|4 ?MiB|too large/i);
    expect(lines.some((l) => l.includes('"accepted"'))).toBe(false);
    // The same container still takes a batch under the cap.
    const at = await handler(batchEvent('function-url', GZIPPED), {});
    expect(at.statusCode).toBe(200);
  });

  it('reads the token secret once per container, not per request', async () => {
    const secret = fakeSecrets(` ${TOKEN} ,older-token-0001\n`);
    const { handler } = await makeHandler(
      { ACCESSLAKE_TOKENS_SECRET: 'arn:aws:secretsmanager:us-east-1:1:secret:t' },
      secret,
    );
    for (const token of [TOKEN, 'older-token-0001', TOKEN]) {
      expect((await handler(batchEvent('function-url', GZIPPED, token), {})).statusCode).toBe(200);
    }
    expect((await handler(batchEvent('function-url', GZIPPED, 'unknown-token-01'), {})).statusCode).toBe(403);
    expect(secret.calls).toEqual([{ SecretId: 'arn:aws:secretsmanager:us-east-1:1:secret:t' }]);
  });

  it('fails the cold start with a clear error when the secret holds no token', async () => {
    await expect(
      makeHandler({ ACCESSLAKE_TOKENS_SECRET: 'accesslake/tokens' }, fakeSecrets(' \n')),
    ).rejects.toThrow(/secret accesslake\/tokens holds no token/);
  });

  it('refuses both ACCESSLAKE_TOKENS and ACCESSLAKE_TOKENS_SECRET', async () => {
    await expect(
      makeHandler({ ACCESSLAKE_TOKENS: TOKEN, ACCESSLAKE_TOKENS_SECRET: 'accesslake/tokens' }),
    ).rejects.toThrow(/not both/);
  });

  it('logs one JSON object per line, ready for CloudWatch', async () => {
    const { handler, lines } = await makeHandler({
      ACCESSLAKE_TOKENS: TOKEN,
      AWS_LAMBDA_FUNCTION_NAME: 'ingest-fn',
    });
    const bad = new Uint8Array(gzipSync('not json\n'));
    await handler(batchEvent('http-api', bad), {});
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((p) => p.message)).toEqual(['ingest ready', 'batch had rejected lines']);
    for (const p of parsed)
      expect(p).toMatchObject({ level: 'info', component: 'ingest', function: 'ingest-fn' });
  });

  it('logs the deprecated ACCESSLAKE_STORAGE once per container, like accesslake serve', async () => {
    const lines: string[] = [];
    const app = await createLambdaIngest(
      { ACCESSLAKE_STORAGE: 'memory://', ACCESSLAKE_TOKENS: TOKEN },
      { logSink: (line) => lines.push(line) },
    );
    const handler = handle(app) as unknown as (event: unknown, context: unknown) => Promise<LambdaHttpResult>;
    expect(fromLambdaResult(await handler(batchEvent('http-api'), {})).status).toBe(200);
    await handler(batchEvent('http-api'), {});
    const warnings = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((p) => p.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.message)).toMatch(/ACCESSLAKE_STORAGE.*ACCESSLAKE_LAKE/);
  });
});
