/**
 * One black-box HTTP suite, every runtime as a real process writing to a real S3 (moto_server):
 * Node server, Deno, workerd, and the Lambda bundle behind Function URL and HTTP API v2 events.
 * Each runtime must give the expected answers, the same answers as every other runtime, and leave
 * identical objects (keys and decompressed content; rejects compared without their received_at).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetPartitionsCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOTO_CREDENTIALS, MOTO_REGION, type MotoServer, startMotoServer } from '../../harness/index.ts';
import { GLUE_DEFAULTS } from '../../lake-contract/index.ts';
import { BATCH_ID, buildCases } from './support/cases.ts';
import type { RunningRuntime } from './support/process.ts';
import { RUNTIME_NAMES, type RuntimeName, startRuntime } from './support/runtimes.ts';

const TOKEN = 'runtime-suite-token-0001';
const BUCKET = 'accesslake-runtimes';
const LIMITS = { maxBodyBytes: 64 * 1024, maxDecompressedBytes: 1024 * 1024 };

interface Answer {
  status: number;
  body: unknown;
}
interface Observed {
  answers: Record<string, Answer>;
  keysAfterFirst: string[];
  keysAfterSecond: string[];
  /** key → decompressed content, rejects without received_at */
  objects: Record<string, string>;
}

let moto: MotoServer;
let s3: S3Client;
let glue: GlueClient;
let workDir: string;
const running: RunningRuntime[] = [];
const observed = new Map<RuntimeName, Observed>();

async function listKeys(runtime: RuntimeName): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${runtime}/` }));
  return (out.Contents ?? []).map((o) => o.Key!.slice(runtime.length + 1)).sort();
}

async function readObject(runtime: RuntimeName, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${runtime}/${key}` }));
  const bytes = await out.Body!.transformToByteArray();
  if (key.startsWith('batches/')) {
    // The batch claim (plain JSON): its times differ between runs by design.
    const { claimed_at, stored, ...rest } = JSON.parse(new TextDecoder().decode(bytes)) as Record<
      string,
      unknown
    >;
    const { stored_at, ...answer } = stored as Record<string, unknown>;
    expect([claimed_at, stored_at]).toEqual([expect.stringMatching(/Z$/), expect.stringMatching(/Z$/)]);
    return JSON.stringify({ ...rest, stored: answer });
  }
  const text = gunzipSync(bytes).toString('utf8');
  if (!key.startsWith('rejects/')) return text;
  // Rejects carry the time they were received, which differs between runs by design.
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { received_at, ...rest } = JSON.parse(line) as Record<string, unknown>;
      expect(received_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      return JSON.stringify(rest);
    })
    .join('\n');
}

async function exercise(runtime: RunningRuntime & { name: string }): Promise<Observed> {
  const name = runtime.name as RuntimeName;
  const answers: Record<string, Answer> = {};
  let keysAfterFirst: string[] = [];
  for (const c of buildCases(TOKEN, LIMITS)) {
    const res = await fetch(`${runtime.url}/v1/batches`, {
      method: 'POST',
      headers: c.headers,
      body: c.body,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = { notJson: text };
    }
    answers[c.name] = { status: res.status, body };
    if (c.name === 'good batch') keysAfterFirst = await listKeys(name);
  }
  const keysAfterSecond = await listKeys(name);
  const objects: Record<string, string> = {};
  for (const key of keysAfterSecond) objects[key] = await readObject(name, key);
  return { answers, keysAfterFirst, keysAfterSecond, objects };
}

beforeAll(async () => {
  moto = await startMotoServer();
  const aws = { region: MOTO_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 };
  s3 = new S3Client({ ...aws, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const secrets = new SecretsManagerClient(aws);
  const secret = await secrets.send(
    new CreateSecretCommand({ Name: 'accesslake/ingest-tokens', SecretString: TOKEN }),
  );
  workDir = await mkdtemp(join(tmpdir(), 'accesslake-runtimes-'));
  // The crawler-made table the Lambda registers partitions in (only the Lambda is configured to).
  glue = new GlueClient(aws);
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'accesslake' } }));
  await glue.send(
    new CreateTableCommand({
      DatabaseName: 'accesslake',
      TableInput: {
        Name: GLUE_DEFAULTS.table,
        PartitionKeys: ['year', 'month', 'day', 'hour'].map((Name) => ({ Name, Type: 'string' })),
        StorageDescriptor: {
          Location: `s3://${BUCKET}/lambda-function-url/access_logs/`,
          Columns: [{ Name: 'ts', Type: 'string' }],
        },
      },
    }),
  );

  const setup = {
    s3Endpoint: moto.endpoint,
    bucket: BUCKET,
    token: TOKEN,
    tokenSecretArn: secret.ARN!,
    maxBodyBytes: String(LIMITS.maxBodyBytes),
    maxDecompressedBytes: String(LIMITS.maxDecompressedBytes),
    workDir,
  };
  const started = await Promise.allSettled(RUNTIME_NAMES.map((name) => startRuntime(name, setup)));
  for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;

  // Runtimes in parallel: each writes under its own prefix.
  const results = await Promise.all(running.map(async (r) => [r.name, await exercise(r)] as const));
  for (const [name, result] of results) observed.set(name as RuntimeName, result);
  if (process.env.DEBUG_RUNTIMES) console.log(JSON.stringify([...observed], null, 1));
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await moto?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const EXPECTED_OBJECTS = [
  `access_logs/year=2025/month=01/day=10/hour=14/access_20250110T143102Z_web-1_${BATCH_ID}-0.jsonl.gz`,
  `access_logs/year=2025/month=01/day=10/hour=15/access_20250110T150000Z_web-1_${BATCH_ID}-1.jsonl.gz`,
  `rejects/rejects_web-1_${BATCH_ID}.jsonl.gz`,
];
/** The batch's claim (create-only write with If-None-Match, on every runtime), beside its objects. */
const CLAIM_KEY = `batches/web-1_${BATCH_ID}.json`;

describe.each(RUNTIME_NAMES)('%s', (name) => {
  const answer = (c: string) => observed.get(name)!.answers[c]!;

  it('stores a good batch: one object per event hour plus the rejects', () => {
    expect(answer('good batch')).toEqual({
      status: 200,
      body: {
        batchId: BATCH_ID,
        accepted: 5,
        rejected: 1,
        objects: EXPECTED_OBJECTS,
        firstRejectReason: expect.stringMatching(/^status: /),
      },
    });
    expect(observed.get(name)!.keysAfterFirst).toEqual([...EXPECTED_OBJECTS, CLAIM_KEY].sort());
  });

  it('answers the same batch again the same way and writes no new object', () => {
    expect(answer('same batch again')).toEqual(answer('good batch'));
    expect(observed.get(name)!.keysAfterSecond).toEqual(observed.get(name)!.keysAfterFirst);
  });

  it('rejects broken gzip with 400 and a message', () => {
    expect(answer('broken gzip').status).toBe(400);
    expect((answer('broken gzip').body as { error: string }).error).toMatch(/gzip/);
  });

  it('refuses a wrong token with 403', () => {
    expect(answer('wrong token').status).toBe(403);
  });

  it('refuses an oversized body and a gzip bomb with 413', () => {
    expect(answer('oversized body')).toMatchObject({
      status: 413,
      body: { error: expect.stringMatching(/request body exceeds/) },
    });
    expect(answer('gzip bomb')).toMatchObject({
      status: 413,
      body: { error: expect.stringMatching(/decompressed body exceeds/) },
    });
  });

  it('stores records in canonical form', () => {
    const hour14 = observed
      .get(name)!
      .objects[EXPECTED_OBJECTS[0]!]!.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(hour14.map((r: { path: string }) => r.path)).toEqual(['/a', '/b?q=1', '/d']);
    expect(hour14[0]).toMatchObject({ ts: '2025-01-10T14:31:02.000Z', status: 200, source: 'web-1' });
  });
});

describe('lambda-function-url, configured as deployed', () => {
  it('registered the batch’s hour partitions in Glue', async () => {
    const out = await glue.send(
      new GetPartitionsCommand({ DatabaseName: 'accesslake', TableName: GLUE_DEFAULTS.table }),
    );
    const partitions = (out.Partitions ?? [])
      .map((p) => [p.Values?.join('/'), p.StorageDescriptor?.Location])
      .sort();
    expect(partitions).toEqual([
      ['2025/01/10/14', `s3://${BUCKET}/lambda-function-url/access_logs/year=2025/month=01/day=10/hour=14/`],
      ['2025/01/10/15', `s3://${BUCKET}/lambda-function-url/access_logs/year=2025/month=01/day=10/hour=15/`],
    ]);
  });
});

describe('across runtimes', () => {
  it('every runtime gives identical answers (status and JSON body)', () => {
    const reference = observed.get('node')!.answers;
    for (const name of RUNTIME_NAMES)
      expect({ name, answers: observed.get(name)!.answers }).toEqual({ name, answers: reference });
  });

  it('every runtime leaves identical objects (keys and decompressed content)', () => {
    const reference = observed.get('node')!.objects;
    for (const name of RUNTIME_NAMES)
      expect({ name, objects: observed.get(name)!.objects }).toEqual({ name, objects: reference });
  });
});
