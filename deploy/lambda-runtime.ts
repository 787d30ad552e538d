/** The one Lambda runtime of the stack's functions, matching the build's target (deploy/build-lambda.ts). */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LAMBDA_NODE_RUNTIME } from './build-lambda.ts';

export function lambdaRuntime(): lambda.Runtime {
  const runtime = lambda.Runtime.NODEJS_24_X;
  // The bundle is built for LAMBDA_NODE_TARGET: a runtime that is not the one it was built for is a bug.
  if (runtime.name !== LAMBDA_NODE_RUNTIME) {
    throw new Error(`Lambda runtime ${runtime.name} differs from the build's ${LAMBDA_NODE_RUNTIME}`);
  }
  return runtime;
}
