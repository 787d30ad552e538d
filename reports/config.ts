/**
 * The report's settings, resolved once at the entry point (CLI or Lambda) from flags and environment
 * through {@link REPORT_SETTINGS} (settings.ts), failing early with a message that names the flag or
 * variable. docs/configuration.md lists them with their defaults; docs/reports.md explains them.
 */
import { ConfigError } from '../lib/errors/index.ts';
import { type FlagsOf, resolveSettings } from '../lib/settings/index.ts';
import { type EmailConfig, resolveEmailConfig } from './email/config.ts';
import { type ReportPeriod, resolvePeriod } from './period/resolve-period.ts';
import { plainDateMs, zonedStartOfDay } from './period/zoned-time.ts';
import { REPORT_SETTINGS } from './settings.ts';

/** Flags as parseArgs gives them (`--storage` included). */
export type ReportFlags = FlagsOf<typeof REPORT_SETTINGS>;

export interface ReportConfig {
  period: ReportPeriod;
  engine: 'duckdb' | 'athena';
  /** DuckDB: the lake folder. */
  lake: string;
  /** Where the lake location came from (`--lake`, `ACCESSLAKE_LAKE`, …), undefined for the default. */
  lakeSetting: string | undefined;
  /** Where reports go: a folder or `s3://bucket/prefix`. */
  out: string;
  top: number;
  /** Present when the report is mailed. */
  email?: EmailConfig;
  linkExpiresSeconds: number;
  athena: { workgroup: string; database: string; region: string; endpoint?: string };
  s3: { region: string; endpoint?: string };
  /** Deprecated settings used (`--storage`, `ACCESSLAKE_STORAGE`), for the caller to print. */
  notes: string[];
}

/**
 * @param now the current time, for `--period` (tests pass a fixed one; `--as-of` overrides both)
 * @throws {ConfigError} a bad value (named as given), a missing mail setting with `--email`, or no
 *   `--out` for Athena
 */
export function resolveReportConfig(
  flags: ReportFlags,
  env: Record<string, string | undefined>,
  now: Date = new Date(),
): ReportConfig {
  const { values: v, sources, deprecations } = resolveSettings(REPORT_SETTINGS, flags, env);
  // Mail settings before the period and the output: with --email, a missing one fails first.
  const email = v.email ? resolveEmailConfig(env) : undefined;

  const custom = v.from !== undefined || v.to !== undefined;
  const period = resolvePeriod({
    // REPORT_PERIOD (a schedule's default) gives way to a custom range; --period with one is an error.
    period: custom && sources.period !== '--period' ? undefined : v.period,
    from: v.from,
    to: v.to,
    timeZone: v.tz,
    now: v['as-of'] !== undefined ? parseAsOf(v['as-of'], v.tz) : now,
  });

  const lake = v.lake;
  const out = v.out ?? defaultOut(v.engine, lake);
  if (v.staging !== undefined) {
    // Athena now writes the CTAS output to the workgroup's results location (docs/reports.md).
    throw new ConfigError(
      `${sources.staging} is no longer used: Athena writes the report table to its workgroup's results location, and --out may be a local folder; remove it`,
    );
  }
  const region = v.region;
  const athenaEndpoint = v.endpoint;
  const s3Endpoint = v['s3-endpoint'];

  return {
    period,
    engine: v.engine,
    lake,
    lakeSetting: sources.lake,
    out,
    top: v.top,
    ...(email ? { email } : {}),
    linkExpiresSeconds: v['link-expires'],
    athena: {
      workgroup: v.workgroup,
      database: v.database,
      region,
      ...(athenaEndpoint ? { endpoint: athenaEndpoint } : {}),
    },
    s3: { region: v['s3-region'] ?? region, ...(s3Endpoint ? { endpoint: s3Endpoint } : {}) },
    notes: deprecations,
  };
}

/** DuckDB writes next to the lake it reads; Athena, to the lake when it is in S3. */
function defaultOut(engine: 'duckdb' | 'athena', lake: string): string {
  if (engine === 'duckdb' || lake.startsWith('s3://')) return lake;
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
