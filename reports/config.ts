/**
 * The report's settings, resolved once at the entry point (CLI or Lambda) from flags and environment,
 * failing early with a message that names the flag or variable. docs/reports.md has the full table.
 */
import { GLUE_DEFAULTS } from '../lake-contract/index.ts';
import { pickLakeLocation } from '../lib/config/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import { parseDurationMs, parseInteger } from '../lib/units/index.ts';
import { type EmailConfig, resolveEmailConfig } from './email/config.ts';
import { MAX_LINK_SECONDS } from './output/links.ts';
import { type ReportPeriod, resolvePeriod } from './period/resolve-period.ts';
import { plainDateMs, resolveTimeZone, zonedStartOfDay } from './period/zoned-time.ts';

export interface ReportFlags {
  period?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  tz?: string | undefined;
  'as-of'?: string | undefined;
  engine?: string | undefined;
  lake?: string | undefined;
  out?: string | undefined;
  staging?: string | undefined;
  top?: string | undefined;
  email?: boolean | undefined;
  'link-expires'?: string | undefined;
  workgroup?: string | undefined;
  database?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  's3-endpoint'?: string | undefined;
}

export interface ReportConfig {
  period: ReportPeriod;
  engine: 'duckdb' | 'athena';
  /** DuckDB: the lake folder. */
  lake: string;
  /** Where reports go: a folder or `s3://bucket/prefix`. */
  out: string;
  top: number;
  /** Present when the report is mailed. */
  email?: EmailConfig;
  linkExpiresSeconds: number;
  athena: { workgroup: string; database: string; region: string; endpoint?: string };
  s3: { region: string; endpoint?: string };
}

/**
 * @param now the current time, for `--period` (tests pass a fixed one; `--as-of` overrides both)
 */
export function resolveReportConfig(
  flags: ReportFlags,
  env: Record<string, string | undefined>,
  now: Date = new Date(),
): ReportConfig {
  const engine = flags.engine ?? 'duckdb';
  if (engine !== 'duckdb' && engine !== 'athena') {
    throw new ConfigError(`--engine: ${JSON.stringify(engine)} is not duckdb or athena`);
  }
  // Mail settings first: with --email, a missing one must fail before anything else happens.
  const emailWanted = flags.email ?? parseBoolean(env.REPORT_EMAIL, 'REPORT_EMAIL');
  const email = emailWanted ? resolveEmailConfig(env) : undefined;

  const timeZone = resolveTimeZone(flags.tz ?? env.REPORT_TZ ?? 'UTC', flags.tz ? '--tz' : 'REPORT_TZ');
  const custom = flags.from !== undefined || flags.to !== undefined;
  const period = resolvePeriod({
    period: flags.period ?? (custom ? undefined : env.REPORT_PERIOD),
    from: flags.from,
    to: flags.to,
    timeZone,
    now: flags['as-of'] !== undefined ? parseAsOf(flags['as-of'], timeZone) : now,
  });

  const location = pickLakeLocation(flags, env);
  const lake = location.value ?? './lake';
  const out = flags.out ?? env.REPORT_OUT ?? defaultOut(engine, lake, env);
  if ((flags.staging ?? env.REPORT_STAGING) !== undefined) {
    // Athena now writes the CTAS output to the workgroup's results location (docs/reports.md).
    throw new ConfigError(
      `${flags.staging !== undefined ? '--staging' : 'REPORT_STAGING'} is no longer used: Athena writes the report table to its workgroup's results location, and --out may be a local folder; remove it`,
    );
  }
  const top = parseInteger(flags.top ?? env.REPORT_TOP ?? '10', flags.top ? '--top' : 'REPORT_TOP', 1, 1000);
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const athenaEndpoint = flags.endpoint ?? env.ACCESSLAKE_ATHENA_ENDPOINT;
  const s3Endpoint = flags['s3-endpoint'] ?? env.ACCESSLAKE_S3_ENDPOINT;

  return {
    period,
    engine,
    lake,
    out,
    top,
    ...(email ? { email } : {}),
    linkExpiresSeconds: parseLinkExpiry(flags['link-expires'] ?? env.REPORT_LINK_EXPIRES ?? '7d'),
    athena: {
      workgroup: flags.workgroup ?? env.ACCESSLAKE_ATHENA_WORKGROUP ?? GLUE_DEFAULTS.reportsWorkgroup,
      database: flags.database ?? env.ACCESSLAKE_GLUE_DATABASE ?? GLUE_DEFAULTS.database,
      region,
      ...(athenaEndpoint ? { endpoint: athenaEndpoint } : {}),
    },
    s3: { region: env.ACCESSLAKE_S3_REGION ?? region, ...(s3Endpoint ? { endpoint: s3Endpoint } : {}) },
  };
}

function defaultOut(
  engine: 'duckdb' | 'athena',
  lake: string,
  env: Record<string, string | undefined>,
): string {
  if (engine === 'duckdb') return lake;
  const storage = lake !== './lake' ? lake : (env.ACCESSLAKE_LAKE ?? env.ACCESSLAKE_STORAGE);
  if (storage?.startsWith('s3://')) return storage;
  throw new ConfigError(
    'with --engine athena, say where reports go: --out s3://bucket/prefix (or set REPORT_OUT, or --lake / ACCESSLAKE_LAKE to the s3:// lake)',
  );
}

/** `--as-of 2025-01-15` (the start of that day in the zone) or an ISO instant. */
function parseAsOf(value: string, timeZone: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    plainDateMs(value, '--as-of');
    return new Date(zonedStartOfDay(value, timeZone));
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new ConfigError(`--as-of: ${JSON.stringify(value)} is not a date (YYYY-MM-DD) or an ISO-8601 time`);
  return new Date(ms);
}

/** `7d`, `72h`, `3600` (seconds): at most 7 days, the longest a SigV4 presigned URL lives. */
function parseLinkExpiry(value: string): number {
  const seconds = Math.round(parseDurationMs(value, '--link-expires') / 1000);
  if (seconds < 1 || seconds > MAX_LINK_SECONDS) {
    throw new ConfigError(
      `--link-expires: ${JSON.stringify(value)} must be from 1 s to 7d (S3 presigned URLs live at most 7 days)`,
    );
  }
  return seconds;
}

function parseBoolean(value: string | undefined, setting: string): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new ConfigError(`${setting}=${JSON.stringify(value)} must be true or false`);
}
