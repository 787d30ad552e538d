import { TrinoSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { createViewSql, DEFAULT_VIEW_NAMES } from '../../compact/athena-view.ts';

const names = { database: 'accesslake', ...DEFAULT_VIEW_NAMES };

describe('the Athena view over both tiers', () => {
  it.each([null, '2025011014'])('parses as Trino SQL (watermark %s)', (watermark) => {
    expect(new TrinoSQL().validate(createViewSql(names, watermark))).toEqual([]);
  });

  it('splits at the watermark with a literal on partition columns only, so partitions are pruned', () => {
    const sql = createViewSql(names, '2025011014');
    const wheres = [...sql.matchAll(/WHERE (.+)$/gm)].map((m) => m[1]);
    expect(wheres).toEqual([
      `concat("year", "month", "day", "hour") < '2025011014'`,
      `concat("year", "month", "day", "hour") >= '2025011014'`,
    ]);
    expect(sql).toMatch(/FROM "accesslake"\."access_logs_compacted" WHERE .* < /);
    expect(sql).toMatch(/FROM "accesslake"\."access_logs_raw" WHERE .* >= /);
    // Both branches select the same columns, ts as it is (the ISO string), partitions last.
    const selects = [...sql.matchAll(/SELECT (.+) FROM/g)].map((m) => m[1]);
    expect(selects[0]).toBe(selects[1]);
    expect(selects[0]).toMatch(/^"ts", .*"extra", "year", "month", "day", "hour"$/);
  });

  it('refuses a watermark that is not an hour key', () => {
    expect(() => createViewSql(names, "2025'; DROP")).toThrow(/YYYYMMDDHH/);
  });
});
