/**
 * One report run, in the order that wastes nothing: the checks that cost nothing first (the output is
 * writable, Athena has S3 to write to, the SMTP server answers and accepts the login), then the one
 * query that scans the period, then the files published all or nothing, then the mail.
 */

import { describeError } from '../lib/errors/index.ts';
import { type Logger, silentLogger } from '../lib/log/index.ts';
import type { QueryEngine } from '../query/index.ts';
import type { ObjectStorage } from '../storage/index.ts';
import type { Mailer } from './email/send.ts';
import { produceWithAthena } from './engines/athena.ts';
import { produceWithDuckDb } from './engines/duckdb.ts';
import type { S3Objects } from './engines/s3-objects.ts';
import { ReportEmailError, ReportOutputError } from './errors.ts';
import { buildReport, type Report, toReportRows } from './model.ts';
import { reportKeys } from './output/layout.ts';
import type { LinkMaker } from './output/links.ts';
import { checkWritable, deleteAll, publishFiles } from './output/publish.ts';
import { headline, type ReportLinks, renderHtml, renderMarkdown, reportTitle } from './output/summary.ts';
import type { ReportPeriod } from './period/resolve-period.ts';
import { buildReportSelect } from './sql/report-query.ts';

export interface RunReportOptions {
  period: ReportPeriod;
  engine: QueryEngine;
  /** Where the report goes (`--out`): a local folder or S3. */
  output: ObjectStorage;
  /** Makes the links in the summary (presigned URLs for S3, paths for a folder). */
  links: LinkMaker;
  /** Rows per ranked section. Default 10. */
  top?: number;
  /** Athena: the Glue database, and access to the files its CTAS writes in the workgroup's results. */
  athena?: { database: string; objects: S3Objects };
  /** Mails the summary when given. */
  mailer?: Mailer;
  /** Default: a fresh id. Names Athena's temporary table and the write check. */
  runId?: string;
  logger?: Logger;
}

export interface ReportOutcome {
  report: Report;
  /** Keys written, relative to the output. */
  keys: { parquet: string[]; csv: string; markdown: string; html: string };
  links: ReportLinks;
  markdown: string;
  /** Athena: bytes scanned over the run's queries and their cost. */
  bytesScanned?: number;
  costUsd?: number;
  email?: { messageId: string; accepted: string[] };
}

/**
 * Computes, writes and optionally mails the report for `options.period`.
 *
 * @example
 * const engine = await createDuckDbEngine({ lake: './lake' });
 * const output = await createStorage('./lake');
 * await runReport({ period: resolvePeriod({ period: 'weekly' }), engine, output, links: createLinkMaker(output.url) });
 */
export async function runReport(options: RunReportOptions): Promise<ReportOutcome> {
  const { period, engine, output } = options;
  const top = options.top ?? 10;
  const logger = options.logger ?? silentLogger;
  const runId = options.runId ?? newRunId();

  await checkWritable(output, runId);
  if (engine.name === 'athena' && !options.athena) {
    throw new ReportOutputError(
      'with --engine athena the report needs the Glue database and S3 access to the workgroup’s results',
    );
  }
  await options.mailer?.verify();

  const select = buildReportSelect(period, { top });
  logger.info('running report', {
    kind: period.kind,
    label: period.label,
    from: period.fromTs,
    to: period.toTs,
    engine: engine.name,
  });
  const produced =
    engine.name === 'duckdb'
      ? await produceWithDuckDb(engine, select, { from: period.fromHour, to: period.toHour })
      : await produceWithAthena(engine, select, {
          database: options.athena!.database,
          objects: options.athena!.objects,
          runId,
          logger,
        });
  const report = buildReport(period, toReportRows(produced.rows), top);

  const keyNames = reportKeys(period);
  const keys = {
    parquet: keyNames.parquet(produced.parquet.length),
    csv: keyNames.csv,
    markdown: keyNames.markdown,
    html: keyNames.html,
  };
  const links: ReportLinks = {
    parquet: await Promise.all(keys.parquet.map((key) => options.links.link(key))),
    csv: await options.links.link(keys.csv),
    ...(options.links.note ? { note: options.links.note } : {}),
  };
  const markdown = renderMarkdown(report, links);
  const html = renderHtml(report, links);
  const encode = (text: string) => new TextEncoder().encode(text);
  await publishFiles(output, [
    ...produced.parquet.map((body, i) => ({
      key: keys.parquet[i]!,
      body,
      contentType: 'application/vnd.apache.parquet',
    })),
    { key: keys.csv, body: produced.csvGz, contentType: 'application/gzip' },
    { key: keys.markdown, body: encode(markdown), contentType: 'text/markdown; charset=utf-8' },
    // Last: a summary present means the files it links to are too.
    { key: keys.html, body: encode(html), contentType: 'text/html; charset=utf-8' },
  ]);
  await removeStaleParts(output, keys.parquet, logger);
  logger.info('report written', { output: output.url, summary: keys.markdown, empty: report.empty });

  const outcome: ReportOutcome = {
    report,
    keys,
    links,
    markdown,
    ...(produced.bytesScanned !== undefined ? { bytesScanned: produced.bytesScanned } : {}),
    ...(produced.costUsd !== undefined ? { costUsd: produced.costUsd } : {}),
  };
  if (options.mailer) {
    try {
      outcome.email = await options.mailer.send({
        subject: `${reportTitle(report)}: ${headline(report)}`,
        text: markdown,
        html,
      });
    } catch (error) {
      throw new ReportEmailError(
        `the report was written to ${output.url}${keys.markdown}, but ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  return outcome;
}

/** A re-run that yields fewer Parquet parts than the last one must not leave the old extra parts. */
async function removeStaleParts(output: ObjectStorage, current: string[], logger: Logger): Promise<void> {
  const folder = current[0]!.slice(0, current[0]!.lastIndexOf('/') + 1);
  const stale = (await output.list(folder).catch(() => [] as string[])).filter(
    (key) => !current.includes(key),
  );
  const left = await deleteAll(output, stale);
  if (left.length) logger.warn('could not remove Parquet parts of an earlier run', { keys: left });
}

/** Lower-case letters and digits only: it names an Athena table as well as a folder. */
export function newRunId(): string {
  const random = crypto.getRandomValues(new Uint8Array(5));
  return `r${Date.now().toString(36)}${[...random].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
