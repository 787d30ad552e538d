/**
 * AWS Lambda entry for scheduled reports (EventBridge rule → this function): Athena runs the report,
 * S3 keeps it, SMTP mails it. Settings come from the environment, read once per container; see
 * reports/lambda-handler.ts and docs/reports.md.
 */
import { createReportHandler } from '../reports/index.ts';

export const handler = createReportHandler(process.env);
