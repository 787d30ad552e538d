/**
 * The report as a Lambda run by an EventBridge schedule, always on Athena. The environment is read and
 * checked once per container (a missing setting fails the cold start, not next Monday's run); the
 * period is worked out per invocation from the event's `time`, so a retried event reports the same
 * period even after midnight. docs/reports.md shows the schedule rules.
 *
 * The event is either EventBridge's scheduled event (`{ "time": "2025-01-13T06:00:00Z", … }`, period
 * from REPORT_PERIOD) or a JSON input such as `{ "period": "monthly" }`, `{ "from": "…", "to": "…" }`,
 * optionally with `time` (an input transformer can pass `<time>`).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../lib/errors/index.ts';
import { createLogger } from '../lib/log/index.ts';
import { resolveReportConfig } from './config.ts';
import { runReportFromConfig } from './from-config.ts';

export interface ReportEvent {
  time?: string;
  period?: string;
  from?: string;
  to?: string;
}

export interface ReportHandlerResult {
  period: string;
  summary: string;
  parquet: string[];
  csv: string;
  empty: boolean;
  bytesScanned?: number;
  costUsd?: number;
  mailedTo?: string[];
}

export function createReportHandler(env: Record<string, string | undefined>) {
  const flags = { engine: 'athena' };
  // Validates every setting now; the period it computes is thrown away (events may name their own).
  const base = resolveReportConfig({ ...flags, period: env.REPORT_PERIOD ?? 'weekly' }, env);
  const s3Client = new S3Client({
    region: base.s3.region,
    ...(base.s3.endpoint ? { endpoint: base.s3.endpoint, forcePathStyle: true } : {}),
  });
  const athenaClient = new AthenaClient({
    region: base.athena.region,
    ...(base.athena.endpoint ? { endpoint: base.athena.endpoint } : {}),
  });
  const logger = createLogger({ fields: { component: 'report' } });

  return async (event: ReportEvent = {}): Promise<ReportHandlerResult> => {
    const now = event.time ? new Date(event.time) : new Date();
    if (Number.isNaN(now.getTime()))
      throw new ConfigError(`event.time ${JSON.stringify(event.time)} is not a time`);
    const config = resolveReportConfig(
      { ...flags, period: event.period, from: event.from, to: event.to },
      env,
      now,
    );
    const outcome = await runReportFromConfig(config, { s3Client, athenaClient, logger });
    return {
      period: `${config.period.kind} ${config.period.label}`,
      summary: `${config.out.replace(/\/?$/, '/')}${outcome.keys.markdown}`,
      parquet: outcome.keys.parquet,
      csv: outcome.keys.csv,
      empty: outcome.report.empty,
      ...(outcome.bytesScanned !== undefined ? { bytesScanned: outcome.bytesScanned } : {}),
      ...(outcome.costUsd !== undefined ? { costUsd: outcome.costUsd } : {}),
      ...(outcome.email ? { mailedTo: outcome.email.accepted } : {}),
    };
  };
}
