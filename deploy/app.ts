/**
 * CDK app entry: `npm run deploy` (= build:lambda, then `cdk deploy --app "node --import tsx deploy/app.ts"`).
 * Settings come from context, e.g. `npm run deploy -- -c catalog=projection -c bucketName=my-logs`.
 */
import { App } from 'aws-cdk-lib';
import { readDeploySettings } from './settings.ts';
import { AccessLakeStack } from './stack.ts';

const app = new App();
const settings = readDeploySettings((key) => app.node.tryGetContext(key));
new AccessLakeStack(app, String(app.node.tryGetContext('stackName') ?? 'AccessLake'), {
  settings,
  description: 'accesslake: nginx access logs into an S3 data lake (ingest Lambda, Glue, Athena)',
  // Region and account come from the CLI's credentials (AWS_REGION / profile) at deploy time.
  env: {
    ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}),
    ...(process.env.CDK_DEFAULT_REGION ? { region: process.env.CDK_DEFAULT_REGION } : {}),
  },
});
app.synth();
