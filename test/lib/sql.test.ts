import { describe, expect, it } from 'vitest';
import { sqlLiteral } from '../../lib/sql/index.ts';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import { summarizeLake } from '../../up/summary.ts';
import { generateRecords, removeDir, writeLakeWithIngest } from '../query/fixtures.ts';

describe('sqlLiteral', () => {
  it('quotes text with quotes doubled and writes other values as SQL does', () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral('')).toBe("''");
    expect(sqlLiteral(42)).toBe('42');
    expect(sqlLiteral(-0.5)).toBe('-0.5');
    expect(sqlLiteral(true)).toBe('true');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(() => sqlLiteral(Number.NaN)).toThrow(RangeError);
  });
});

describe('bound parameters on DuckDB', () => {
  it('binds values for ? placeholders, so a value cannot change the query', async () => {
    const records = generateRecords(30, '2025-01-10T12:00:00.000Z', 10);
    const lake = await writeLakeWithIngest(records);
    const engine = await createDuckDbEngine({ lake });
    try {
      const sql = 'SELECT count(*) AS n FROM access_logs WHERE source = ?';
      const source = 'web-1'; // the X-Source the fixture ingests with
      expect((await engine.query(sql, { params: [source] })).rows).toEqual([{ n: 30 }]);
      expect((await engine.query(sql, { params: ["x' OR '1'='1"] })).rows).toEqual([{ n: 0 }]);
      // up's summary filters by the source label the same way.
      const range = { from: new Date('2025-01-10T11:00:00Z'), to: new Date('2025-01-10T13:00:00Z') };
      expect((await summarizeLake(engine, range, source)).requests).toBe(30);
      expect((await summarizeLake(engine, range, "x' OR '1'='1")).requests).toBe(0);
    } finally {
      await engine.close();
      await removeDir(lake);
    }
  });
});
