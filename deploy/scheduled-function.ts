/**
 * A Lambda that an EventBridge rule runs on a schedule, with a role holding exactly one printed policy
 * (glue/iam-policy.ts, the document `accesslake provision --print-policy` shows) plus writing its own
 * logs: the shape the report and the compaction functions share. The policy goes inline in the role, so
 * whatever uses the role gets its permissions with it, and a test can compare the synthesized document
 * with the printed one.
 */
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { PolicyDocument } from '../glue/index.ts';
import { lambdaRuntime } from './lambda-runtime.ts';

export interface ScheduledFunctionProps {
  /** What the function does, for the function, its role and its rule. */
  description: string;
  /** The role's one permissions policy, under `policyName`, beside `logs` (its own log group). */
  policyName: string;
  policy: PolicyDocument;
  /** The esbuild output folder (deploy/build-lambda.ts). */
  code: string;
  memorySize: number;
  timeout: Duration;
  /** Set to 1 for a function whose runs must not overlap. */
  reservedConcurrentExecutions?: number;
  environment: Record<string, string>;
  /** An EventBridge schedule expression: `cron(20 * * * ? *)`. */
  schedule: string;
  /** How often EventBridge retries a failed run (0–185). */
  retryAttempts: number;
}

export class ScheduledFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ScheduledFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `accesslake ${props.policyName} Lambda: the printed ${props.policyName} policy, plus its own logs`,
      inlinePolicies: {
        [props.policyName]: iam.PolicyDocument.fromJson(props.policy),
        logs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'WriteOwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });
    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      runtime: lambdaRuntime(),
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(props.code),
      role: this.role,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      logGroup,
      loggingFormat: lambda.LoggingFormat.TEXT,
      environment: props.environment,
    });
    this.rule = new events.Rule(this, 'Schedule', {
      description: props.description,
      schedule: events.Schedule.expression(props.schedule),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: props.retryAttempts })],
    });
  }
}
