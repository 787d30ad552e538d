/** Reading a report's files back the way a user would: DuckDB for the Parquet, gunzip + CSV for the CSV. */
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';

/** Every row of a Parquet file, read by a fresh DuckDB, values as DuckDB's JSON-friendly form. */
export async function readParquet(
  path: string,
): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    // The file alone: DuckDB would otherwise add the kind=/period= folders as columns.
    const reader = await connection.runAndReadAll(
      `SELECT * FROM read_parquet('${path.replaceAll("'", "''")}', hive_partitioning = false)`,
    );
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, embedded commas and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      // The report's CSV is RFC 4180 from both engines: every record ends with CRLF, never a bare LF.
      if (c !== '\r' || text[i + 1] !== '\n')
        throw new Error(
          `CSV record ${rows.length + 1} ends with a bare ${c === '\n' ? 'LF' : 'CR'}, not CRLF`,
        );
      i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** A gzipped CSV as header + row objects. */
export function readCsvGz(bytes: Uint8Array): { header: string[]; rows: Record<string, string>[] } {
  const [header = [], ...body] = parseCsv(gunzipSync(bytes).toString('utf8'));
  return {
    header,
    rows: body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']))),
  };
}
