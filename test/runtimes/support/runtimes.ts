/**
 * The runtimes under test, each started as a real process with the same ingest configuration
 * (`ACCESSLAKE_*` names everywhere) and its own storage prefix:
 * - node: `node bin/accesslake.mjs serve` (what the Dockerfile runs);
 * - deno: `deno run runtimes/deno/main.ts`, permissions narrowed to what ingest needs;
 * - workerd: runtimes/workerd bundled like wrangler and served by `workerd serve`;
 * - lambda-function-url / lambda-http-api: the esbuild bundle of functions/ingest.ts loaded in its own
 *   Node process by lambda-shim.ts, fed Function URL or HTTP API v2 events. The Function URL one is
 *   configured as deployed (token from Secrets Manager at cold start, partitions registered in Glue,
 *   both in moto); the HTTP API one takes ACCESSLAKE_TOKENS.
 */
import { join } from 'node:path';
import { buildLambdaBundle } from '../../../deploy/build-lambda.ts';
import { type RunningRuntime, spawnRuntime } from './process.ts';
import { REPO_ROOT, startWorkerd } from './workerd.ts';

export const RUNTIME_NAMES = ['node', 'deno', 'workerd', 'lambda-function-url', 'lambda-http-api'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

export interface RuntimeSetup {
  /** moto_server endpoint */
  s3Endpoint: string;
  bucket: string;
  token: string;
  /** ARN of a Secrets Manager secret (in moto) that holds `token`. */
  tokenSecretArn: string;
  /** Limits every runtime gets, small so the 413 cases stay small. */
  maxBodyBytes: string;
  maxDecompressedBytes: string;
  workDir: string;
}

const baseEnv = () => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  // The SDK would otherwise look for ~/.aws files and IMDS; nothing here should reach beyond loopback.
  AWS_EC2_METADATA_DISABLED: 'true',
  NODE_NO_WARNINGS: '1',
});

function ingestEnv(setup: RuntimeSetup, name: RuntimeName): Record<string, string> {
  return {
    ACCESSLAKE_STORAGE: `s3://${setup.bucket}/${name}`,
    ACCESSLAKE_S3_ENDPOINT: setup.s3Endpoint,
    ACCESSLAKE_S3_REGION: 'us-east-1',
    ACCESSLAKE_MAX_BODY_BYTES: setup.maxBodyBytes,
    ACCESSLAKE_MAX_DECOMPRESSED_BYTES: setup.maxDecompressedBytes,
    ACCESSLAKE_LOG_LEVEL: 'warn',
  };
}

let lambdaBundle: Promise<string> | undefined;

export async function startRuntime(name: RuntimeName, setup: RuntimeSetup): Promise<RunningRuntime> {
  const env = { ...baseEnv(), ...ingestEnv(setup, name) };
  switch (name) {
    case 'node':
      return spawnRuntime({
        name,
        command: process.execPath,
        args: ['bin/accesslake.mjs', 'serve', '--host', '127.0.0.1', '--port', '0'],
        cwd: REPO_ROOT,
        env: { ...env, ACCESSLAKE_TOKENS: setup.token, ACCESSLAKE_LOG_LEVEL: 'info' },
      });
    case 'deno':
      return spawnRuntime({
        name,
        command: join(REPO_ROOT, 'node_modules/.bin/deno'),
        args: [
          'run',
          '--no-lock',
          '--no-prompt',
          '--allow-net=127.0.0.1',
          '--allow-env',
          '--allow-read',
          '--allow-sys',
          'runtimes/deno/main.ts',
        ],
        cwd: REPO_ROOT,
        env: { ...env, ACCESSLAKE_TOKENS: setup.token, ACCESSLAKE_PORT: '0', ACCESSLAKE_LOG_LEVEL: 'info' },
        timeoutMs: 45_000,
      });
    case 'workerd':
      return startWorkerd({
        name,
        workDir: join(setup.workDir, 'workerd'),
        bindings: {
          ...ingestEnv(setup, name),
          ACCESSLAKE_TOKENS: setup.token,
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
        },
      });
    case 'lambda-function-url':
    case 'lambda-http-api': {
      lambdaBundle ??= buildLambdaBundle({ outDir: join(setup.workDir, 'lambda') }).then((b) =>
        join(b.dir, 'index.mjs'),
      );
      const bundle = await lambdaBundle;
      const door = name === 'lambda-function-url' ? 'function-url' : 'http-api';
      const tokens =
        door === 'function-url'
          ? {
              ACCESSLAKE_TOKENS_SECRET: setup.tokenSecretArn,
              AWS_ENDPOINT_URL_SECRETS_MANAGER: setup.s3Endpoint,
              // As deployed in crawler mode: fresh hours registered in Glue (moto) after each batch.
              ACCESSLAKE_REGISTER_PARTITIONS: 'glue',
            }
          : { ACCESSLAKE_TOKENS: setup.token };
      return spawnRuntime({
        name,
        command: process.execPath,
        args: ['--import', 'tsx', 'test/runtimes/support/lambda-shim.ts', bundle, door],
        cwd: REPO_ROOT,
        env: { ...env, ...tokens, AWS_LAMBDA_FUNCTION_NAME: `accesslake-ingest-${door}` },
      });
    }
  }
}
