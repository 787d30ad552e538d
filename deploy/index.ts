/**
 * The AWS deployment: a CDK app (deploy/app.ts, run by `npx cdk deploy`; the stack in stack.ts, its
 * settings from CDK context in settings.ts, docs/aws.md) and the Lambda bundler (build-lambda.ts,
 * `npm run build:lambda`: one ESM file and one zip per function in functions/, failing if DuckDB or the
 * CLI reaches a bundle). Other modules (the runtime bench) import the bundler through this index; the
 * CDK app is run, not imported.
 */
export {
  buildLambdaBundle,
  LAMBDA_ENTRIES,
  LAMBDA_NODE_RUNTIME,
  LAMBDA_NODE_TARGET,
  type LambdaBundle,
  REPO_ROOT,
} from './build-lambda.ts';
