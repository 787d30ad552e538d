/**
 * Scheduled reports: a weekly, monthly, quarterly or custom period of the lake summed up by one query
 * (totals, daily breakdown, top paths, clients and user agents, status classes, 4xx/5xx hot spots) on
 * DuckDB or Athena, kept as Parquet and gzipped CSV with a Markdown/HTML summary, and optionally mailed.
 * Entry points: `accesslake report` (cli/commands/report.ts) and the Lambda in functions/report.ts.
 * See docs/reports.md.
 *
 * @example
 * const config = resolveReportConfig({ period: 'weekly', email: true }, process.env);
 * const outcome = await runReportFromConfig(config, { openDuckDb: (lake) => createDuckDbEngine({ lake }) });
 * console.log(outcome.keys.markdown);
 */
export { type ReportConfig, type ReportFlags, resolveReportConfig } from './config.ts';
export { type EmailConfig, resolveEmailConfig } from './email/config.ts';
export { createMailer, type Mailer, type ReportMail } from './email/send.ts';
export { ReportEmailError, ReportOutputError } from './errors.ts';
export { type ReportDeps, runReportFromConfig } from './from-config.ts';
export { createReportHandler, type ReportEvent, type ReportHandlerResult } from './lambda-handler.ts';
export { buildReport, type Report, type ReportRow, type ReportSections, toReportRows } from './model.ts';
export { periodSegment, REPORTS_PREFIX, type ReportKeys, reportKeys } from './output/layout.ts';
export { createLinkMaker, type LinkMaker } from './output/links.ts';
export { headline, type ReportLinks, renderHtml, renderMarkdown } from './output/summary.ts';
export { PERIOD_KINDS, type PeriodKind, type ReportPeriod, resolvePeriod } from './period/resolve-period.ts';
export { type ReportOutcome, type RunReportOptions, runReport } from './run-report.ts';
export { REPORT_SETTINGS } from './settings.ts';
export { buildReportSelect, REPORT_COLUMNS } from './sql/report-query.ts';
