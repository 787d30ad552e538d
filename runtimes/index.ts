/**
 * The ingest on serverless runtimes. Each runtime has its own entry file that the platform loads directly
 * (runtimes/deno/main.ts for Deno Deploy, runtimes/workerd/index.ts for Cloudflare Workers); this index
 * is what other modules import: the AWS Lambda adapter (`createLambdaIngest`, aws-lambda/create-ingest.ts:
 * the ingest from the Lambda's environment, tokens optionally from Secrets Manager), which the Lambda
 * handler in functions/ingest.ts wraps. Configuration is env only, with `accesslake serve`'s names
 * (docs/configuration.md).
 */
export * from './aws-lambda/create-ingest.ts';
export * from './aws-lambda/token-secret.ts';
