/**
 * Every SQL string the code can send to Athena, collected from the code that builds it, and a checker
 * that holds each one to Athena's grammars: Trino for queries, CTAS and views (Athena engine v3 is Trino), Hive
 * for DDL (Athena runs DDL through Hive: https://docs.aws.amazon.com/athena/latest/ug/ddl-reference.html).
 * DuckDB accepts much that Trino refuses; the DuckDB engine runs the same SQL, so nothing DuckDB-only may
 * slip in. New SQL joins the collection by adding a source to `SOURCES`.
 */
import { HiveSQL, TrinoSQL } from 'dt-sql-parser';
import { savedQuerySql } from '../../athena/provision/named-queries-step.ts';
import { createViewSql, DEFAULT_VIEW_NAMES } from '../../compact/athena-view.ts';
import { projectionTableDdl } from '../../glue/projection-table.ts';
import { FROM_ISO, TO_ISO, toGrafanaSql } from '../../grafana/time-macros.ts';
import { resolveProvisionOptions } from '../../provision/contract/index.ts';
import { loadNamedQuery, NAMED_QUERIES, renderNamedQuery } from '../../query/named-queries.ts';
import { buildCtas, dropSql, filesSql, readBackSql, reportTableName } from '../../reports/engines/athena.ts';
import { resolvePeriod } from '../../reports/period/resolve-period.ts';
import { buildReportSelect } from '../../reports/sql/report-query.ts';

export type Grammar = 'trino' | 'hive';

export interface AthenaSql {
  /** Where it comes from, for failure messages: `named error-rate (1 hour)`. */
  name: string;
  grammar: Grammar;
  sql: string;
  /** It reads the lake's table, so it must carry the partition predicate. */
  readsLake: boolean;
}

/** Time ranges the named queries are rendered over: within an hour, across a day, a year, a week. */
const RANGES: { label: string; from: string; to: string }[] = [
  { label: '15 minutes', from: '2025-01-10T14:00:00.000Z', to: '2025-01-10T14:15:00.000Z' },
  { label: '24 hours across midnight', from: '2025-01-10T12:00:00.000Z', to: '2025-01-11T12:00:00.000Z' },
  { label: 'across new year', from: '2024-12-31T22:00:00.000Z', to: '2025-01-01T02:00:00.000Z' },
  { label: '7 days', from: '2025-03-01T00:00:00.000Z', to: '2025-03-08T00:00:00.000Z' },
];

/** What Grafana puts in place of its time variables before the panel SQL reaches Athena. */
const GRAFANA_FROM = '2025-01-10T14:00:00.000Z';
const GRAFANA_TO = '2025-01-10T15:00:00.000Z';

async function namedQueries(): Promise<AthenaSql[]> {
  const out: AthenaSql[] = [];
  for (const name of NAMED_QUERIES) {
    for (const range of RANGES) {
      out.push({
        name: `named ${name} (${range.label})`,
        grammar: 'trino',
        sql: await renderNamedQuery(name, { from: new Date(range.from), to: new Date(range.to) }),
        readsLake: true,
      });
    }
    // Saved in the workgroup by provision, run as they are from the console.
    out.push({ name: `saved ${name}`, grammar: 'trino', sql: await savedQuerySql(name), readsLake: true });
    // Grafana panels: the template with Grafana's time variables, as Grafana sends it.
    const panel = toGrafanaSql(await loadNamedQuery(name))
      .replaceAll(FROM_ISO, GRAFANA_FROM)
      .replaceAll(TO_ISO, GRAFANA_TO);
    out.push({ name: `grafana ${name}`, grammar: 'trino', sql: panel, readsLake: true });
  }
  return out;
}

function reports(): AthenaSql[] {
  const now = new Date('2025-04-15T09:00:00Z');
  const table = reportTableName('accesslake', 'rsqlcheck01');
  const out: AthenaSql[] = [];
  for (const period of ['weekly', 'monthly', 'quarterly'] as const) {
    for (const timeZone of ['UTC', 'Europe/Berlin']) {
      const select = buildReportSelect(resolvePeriod({ period, timeZone, now }), { top: 10 });
      out.push({
        name: `report ${period} ${timeZone} CTAS`,
        grammar: 'trino',
        sql: buildCtas(table, select),
        readsLake: true,
      });
    }
  }
  out.push(
    { name: 'report read-back', grammar: 'trino', sql: readBackSql(table), readsLake: false },
    { name: 'report files', grammar: 'trino', sql: filesSql(table), readsLake: false },
    { name: 'report drop', grammar: 'hive', sql: dropSql(table), readsLake: false },
  );
  return out;
}

function ddl(): AthenaSql[] {
  const o = resolveProvisionOptions({ storage: 's3://lake-bucket/lake' }, {});
  return [
    {
      name: 'projection table DDL (--print-ddl)',
      grammar: 'hive',
      sql: projectionTableDdl(o),
      readsLake: false,
    },
  ];
}

/**
 * Compaction's one statement, `CREATE OR REPLACE VIEW access_logs` (compact/athena-view.ts), as
 * `provision` sends it (no watermark yet) and as a compaction run sends it (a watermark hour). Not
 * `readsLake`: a view reads nothing when it is made, and its body is inlined into every query over it,
 * whose own hour range (the named queries', the reports', Grafana's: all checked here) Trino pushes into
 * both branches of the UNION ALL. A view that fixed a range itself would hide the rest of the lake; the
 * only predicate it may carry is the watermark split, on the partition columns so each tier is pruned.
 */
function compaction(): AthenaSql[] {
  const names = { database: 'accesslake', ...DEFAULT_VIEW_NAMES };
  return [
    { name: 'view access_logs (provision, no watermark)', sql: createViewSql(names, null) },
    { name: 'view access_logs (compaction, watermark 2025011014)', sql: createViewSql(names, '2025011014') },
  ].map((v) => ({ ...v, grammar: 'trino' as const, readsLake: false }));
}

/** The sources of Athena SQL; add one here for new SQL. */
export const SOURCES: Record<string, () => AthenaSql[] | Promise<AthenaSql[]>> = {
  namedQueries,
  reports,
  ddl,
  compaction,
};

export async function collectAthenaSql(): Promise<AthenaSql[]> {
  return (await Promise.all(Object.values(SOURCES).map((source) => source()))).flat();
}

/**
 * Functions Athena engine v3 (Trino) has, of those the code may call; anything else fails the check,
 * which is how DuckDB-only functions (`epoch_ms`, `strftime`, `list_*`…), which the grammar accepts as
 * calls, are caught. Extend it from https://trino.io/docs/current/functions/list.html when SQL needs more.
 */
export const TRINO_FUNCTIONS = new Set([
  'approx_distinct',
  'approx_percentile',
  'avg',
  'cardinality',
  'ceil',
  'coalesce',
  'concat',
  'count',
  'count_if',
  'date_add',
  'date_diff',
  'date_format',
  'date_trunc',
  'element_at',
  'floor',
  'from_iso8601_timestamp',
  'from_unixtime',
  'greatest',
  'grouping',
  'least',
  'length',
  'lower',
  'lpad',
  'max',
  'min',
  'nullif',
  'rank',
  'regexp_extract',
  'round',
  'row_number',
  'split_part',
  'strpos',
  'substr',
  'sum',
  'to_unixtime',
  'try_cast',
  'upper',
]);

/** Words that stand before `(` without being a function call. */
const NOT_FUNCTIONS = new Set(
  'in as and or not exists values array sets over with from join on using by cast table partitioned tblproperties select where row map if'.split(
    ' ',
  ),
);

/** The names called as functions in `sql`, string literals and quoted identifiers left out. */
export function calledFunctions(sql: string): string[] {
  const code = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""')
    .replace(/`[^`]*`/g, '``');
  const names = [...code.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((m) => m[1]!.toLowerCase());
  return [...new Set(names.filter((name) => !NOT_FUNCTIONS.has(name)))];
}

const trino = new TrinoSQL();
const hive = new HiveSQL();

/** What is wrong with `sql` for Athena: grammar errors, then functions Trino does not have. Empty = fine. */
export function athenaSqlProblems(sql: string, grammar: Grammar): string[] {
  const parser = grammar === 'trino' ? trino : hive;
  const problems = parser
    .validate(sql)
    .map((e) => `${grammar} grammar, line ${e.startLine}:${e.startColumn}: ${e.message}`);
  if (grammar === 'trino') {
    for (const name of calledFunctions(sql)) {
      if (!TRINO_FUNCTIONS.has(name)) problems.push(`function ${name}() is not a Trino function Athena has`);
    }
  }
  return problems;
}
