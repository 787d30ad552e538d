/**
 * Every SQL string the code sends to Athena parses with Athena's grammars (Trino for queries, CTAS and views,
 * Hive for DDL; test/support/athena-sql.ts collects them), uses only Trino functions, and, when it reads
 * the lake, carries the partition predicate (a plain `year` range plus the exact hours). moto runs no
 * SQL, so this is where Athena's refusals of DuckDB-only syntax are caught before a real account does.
 */
import { describe, expect, it } from 'vitest';
import { renderNamedQuery } from '../../query/named-queries.ts';
import { PRUNING_MARKERS } from '../../query/partition-predicate.ts';
import {
  type AthenaSql,
  athenaSqlProblems,
  calledFunctions,
  collectAthenaSql,
} from '../support/athena-sql.ts';

const all: AthenaSql[] = await collectAthenaSql();

describe('the SQL accesslake sends to Athena', () => {
  it('is collected from every source: named, saved and Grafana queries, report CTAS and reads, DDL, the view', () => {
    const kinds = new Set(all.map((s) => s.name.split(' ')[0]));
    expect([...kinds].sort()).toEqual(['grafana', 'named', 'projection', 'report', 'saved', 'view']);
    expect(all.filter((s) => s.grammar === 'hive').length).toBeGreaterThanOrEqual(2);
    expect(all.length).toBeGreaterThan(50);
  });

  it.each(all.map((s) => [s.name, s] as const))('%s parses as Athena SQL', (_name, s) => {
    expect(athenaSqlProblems(s.sql, s.grammar)).toEqual([]);
  });

  // Not the view (compaction's CREATE OR REPLACE VIEW): it reads nothing itself, and a range fixed in
  // it would hide the rest of the lake; the queries over it carry the range (test/support/athena-sql.ts).
  it.each(all.filter((s) => s.readsLake).map((s) => [s.name, s] as const))(
    '%s prunes by year and by hour',
    (_name, s) => {
      for (const marker of PRUNING_MARKERS) expect(s.sql).toMatch(marker);
    },
  );
});

// A real query, with one DuckDB-only construct each: the check must refuse every one.
const base = await renderNamedQuery('top-paths', {
  from: new Date('2025-01-10T14:00:00Z'),
  to: new Date('2025-01-10T15:00:00Z'),
});

describe('the check itself', () => {
  const duckdbOnly: Record<string, string> = {
    '::': base.replace('count(*) AS requests', 'count(*)::bigint AS requests'),
    ILIKE: base.replace("AND ts >= '", "AND path ILIKE '/api%' AND ts >= '"),
    QUALIFY: base.replace('GROUP BY 1', 'GROUP BY 1 QUALIFY row_number() OVER (ORDER BY 2) <= 20'),
    'GROUP BY ALL': base.replace('GROUP BY 1', 'GROUP BY ALL'),
    epoch_ms: base.replace('count(*) AS requests', 'count(*) AS requests, max(epoch_ms(1)) AS e'),
    strftime: base.replace('count(*) AS requests', "count(*) AS requests, max(strftime(now(), '%H')) AS h"),
  };

  it('accepts the query it starts from', () => {
    expect(athenaSqlProblems(base, 'trino')).toEqual([]);
  });

  it.each(Object.entries(duckdbOnly))('refuses DuckDB-only %s', (construct, sql) => {
    expect(sql).not.toBe(base);
    expect(athenaSqlProblems(sql, 'trino').length, construct).toBeGreaterThan(0);
  });

  it('refuses Trino syntax as DDL where Athena wants Hive: a double-quoted table in DROP TABLE', () => {
    expect(athenaSqlProblems('DROP TABLE IF EXISTS "accesslake"."t"', 'hive').length).toBeGreaterThan(0);
  });

  it('finds function calls outside literals and quoted names only', () => {
    expect(calledFunctions(`SELECT count(*), 'epoch_ms(1)', "strftime(" FROM t WHERE x IN (1)`)).toEqual([
      'count',
    ]);
  });
});
