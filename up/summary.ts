/**
 * The live summary: what the agent reports (lines shipped and rejected, bytes not yet shipped), as
 * `accesslake agent status` reads it from the state file, and what the lake holds from this run's source,
 * computed by the DuckDB engine with the same SQL style as the named queries (partition predicate first,
 * then the exact time range).
 */
import type { QueryEngine } from '../query/index.ts';
import { renderTemplate, type TimeRange } from '../query/index.ts';
import { readAgentStatus } from '../shipper-agent/index.ts';

/** One scan for the headline figures, over the records of the range. */
const TOTALS_SQL = `SELECT
  count(*) AS requests,
  count_if(status >= 100 AND status < 200) AS c1xx,
  count_if(status >= 200 AND status < 300) AS c2xx,
  count_if(status >= 300 AND status < 400) AS c3xx,
  count_if(status >= 400 AND status < 500) AS c4xx,
  count_if(status >= 500) AS c5xx,
  approx_percentile(request_time, 0.5) AS p50,
  approx_percentile(request_time, 0.95) AS p95,
  max(ts) AS newest
FROM access_logs
WHERE year BETWEEN substr('{{from_hour}}', 1, 4) AND substr('{{to_hour}}', 1, 4)
  AND concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'
  AND source = ?`;

/** top-paths (athena/queries/top-paths.sql) for one source: the demo's and a real log's stay apart. */
const TOP_PATHS_SQL = `SELECT split_part(coalesce(path, '(no request)'), '?', 1) AS path, count(*) AS requests
FROM access_logs
WHERE year BETWEEN substr('{{from_hour}}', 1, 4) AND substr('{{to_hour}}', 1, 4)
  AND concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'
  AND source = ?
GROUP BY 1
ORDER BY 2 DESC, 1
LIMIT 3`;

export interface LakeSummary {
  requests: number;
  byClass: Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>;
  p50: number | null;
  p95: number | null;
  /** The newest record's `ts`, or null for an empty range. */
  newest: string | null;
  topPaths: { path: string; requests: number }[];
}

export interface AgentSummary {
  linesShipped: number;
  /** Lines ingest stored under rejects/ instead of the lake. */
  linesRejected: number;
  /** ingest's reason for the first rejected line (of the file with the most rejects). */
  firstRejectReason: string | null;
  /** The tailed files' formats as the agent chose them (`combined`, or `auto: …` while undecided). */
  formats: string[];
  /** Why a file is not shipped at all (its lines fit no format). */
  stopped: string | null;
  /** Bytes of the tailed file the ingest has not acknowledged yet. */
  lagBytes: number;
  lastAckAt: string | null;
  lastError: string | null;
}

export async function summarizeLake(
  engine: QueryEngine,
  range: TimeRange,
  source: string,
): Promise<LakeSummary> {
  // The source label is the agent's, bound as a parameter rather than written into the SQL.
  const params = [source];
  const totals = (await engine.query(renderTemplate(TOTALS_SQL, range), { params })).rows[0] ?? {};
  const top = await engine.query(renderTemplate(TOP_PATHS_SQL, range), { params });
  const n = (key: string) => Number(totals[key] ?? 0);
  const maybe = (key: string) =>
    totals[key] === null || totals[key] === undefined ? null : Number(totals[key]);
  return {
    requests: n('requests'),
    byClass: { '1xx': n('c1xx'), '2xx': n('c2xx'), '3xx': n('c3xx'), '4xx': n('c4xx'), '5xx': n('c5xx') },
    p50: maybe('p50'),
    p95: maybe('p95'),
    newest: typeof totals.newest === 'string' ? totals.newest : null,
    topPaths: top.rows.slice(0, 3).map((row) => ({ path: String(row.path), requests: Number(row.requests) })),
  };
}

/** Every record in the lake, from every run and source. */
export async function countLake(engine: QueryEngine): Promise<number> {
  const rows = (await engine.query('SELECT count(*) AS records FROM access_logs')).rows;
  return Number(rows[0]?.records ?? 0);
}

/**
 * The agent's own account (`accesslake agent status`), read from its state file while it runs. Only the
 * files of `paths` count, and `since` (the account when this run started) is taken off: the state
 * directory outlives a run, and a run reports its own lines.
 */
export async function summarizeAgent(
  stateDir: string,
  paths: readonly string[],
  since?: Pick<AgentSummary, 'linesShipped' | 'linesRejected'>,
): Promise<AgentSummary> {
  let status: Awaited<ReturnType<typeof readAgentStatus>>;
  try {
    status = await readAgentStatus(stateDir);
  } catch {
    // The agent writes its state after its first batch; until then nothing has shipped.
    return {
      linesShipped: 0,
      linesRejected: 0,
      firstRejectReason: null,
      formats: [],
      stopped: null,
      lagBytes: 0,
      lastAckAt: null,
      lastError: null,
    };
  }
  const files = status.files.filter((f) => paths.includes(f.path));
  const sum = (pick: (f: (typeof files)[number]) => number) => files.reduce((n, f) => n + pick(f), 0);
  const acks = files.map((f) => f.lastAckAt).filter((t): t is string => t !== null);
  const rejecting = [...files].sort((a, b) => b.linesRejected - a.linesRejected)[0];
  return {
    linesShipped: Math.max(0, sum((f) => f.linesShipped) - (since?.linesShipped ?? 0)),
    linesRejected: Math.max(0, sum((f) => f.linesRejected) - (since?.linesRejected ?? 0)),
    firstRejectReason: rejecting?.linesRejected ? rejecting.firstRejectReason : null,
    formats: files.filter((f) => !f.rotated).map((f) => f.format ?? 'not decided yet'),
    stopped: status.stopped.find((s) => paths.includes(s.path))?.reason ?? null,
    lagBytes: sum((f) => f.lagBytes),
    lastAckAt: acks.sort().at(-1) ?? null,
    lastError: status.lastError?.message ?? null,
  };
}
