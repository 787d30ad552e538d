/**
 * AWS Lambda entry for ingest, behind a Function URL or an API Gateway HTTP API (payload format 2.0).
 * Binary gzip bodies arrive base64 (`isBase64Encoded: true`); hono's adapter decodes them. The app, its
 * S3 client and the tokens are built once per container, at cold start (top-level await).
 */
import { handle } from 'hono/aws-lambda';
import { createLambdaIngest } from '../runtimes/index.ts';

const app = await createLambdaIngest(process.env);

export const handler = handle(app);
