/**
 * The live summary: what the agent reports (lines shipped, bytes not yet shipped), as
 * `accesslake agent status` reads it from the state file, and what the lake holds, computed by the DuckDB engine with the same SQL style as the named
 * queries (partition predicate first, then the exact time range).
 */
import { renderNamedQuery, renderTemplate, type TimeRange } from '../query/named-queries.ts';
import type { QueryEngine } from '../query/types.ts';
import { readAgentStatus } from '../shipper-agent/status.ts';

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
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'`;

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
  /** Bytes of the tailed file the ingest has not acknowledged yet. */
  lagBytes: number;
  lastAckAt: string | null;
  lastError: string | null;
}

export async function summarizeLake(engine: QueryEngine, range: TimeRange): Promise<LakeSummary> {
  const totals = (await engine.query(renderTemplate(TOTALS_SQL, range))).rows[0] ?? {};
  const top = await engine.query(await renderNamedQuery('top-paths', range));
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

/** The agent's own account (`accesslake agent status`), read from its state file while it runs. */
export async function summarizeAgent(stateDir: string): Promise<AgentSummary> {
  let status: Awaited<ReturnType<typeof readAgentStatus>>;
  try {
    status = await readAgentStatus(stateDir);
  } catch {
    // The agent writes its state after its first batch; until then nothing has shipped.
    return { linesShipped: 0, lagBytes: 0, lastAckAt: null, lastError: null };
  }
  const acks = status.files.map((f) => f.lastAckAt).filter((t): t is string => t !== null);
  return {
    linesShipped: status.totals.linesShipped,
    lagBytes: status.totals.lagBytes,
    lastAckAt: acks.sort().at(-1) ?? null,
    lastError: status.lastError?.message ?? null,
  };
}
