/**
 * An hour of canonical records as one Parquet object, with hyparquet-writer (pure JavaScript, so the same
 * code runs in the compaction Lambda). Columns are the canonical ones with the JSON table's types, plus
 * `event_time`, a UTC timestamp of `ts` for direct users of `access_logs_compacted`; the view keeps `ts`
 * as the ISO-8601 string. https://parquet.apache.org/docs/file-format/ ; the MAP layout is
 * https://github.com/apache/parquet-format/blob/master/LogicalTypes.md#maps
 */
import { type ColumnSource, parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';
import { CANONICAL_COLUMNS } from '../lake-contract/index.ts';

/**
 * Rows per row group. Athena advises row groups near 128 MB; an access-log row is about 250 bytes
 * uncompressed, so 500,000 rows is that size, and an hour of a 20-host fleet (about 100,000 rows) is
 * one row group. https://docs.aws.amazon.com/athena/latest/ug/performance-tuning-data-optimization-techniques.html
 */
export const ROW_GROUP_ROWS = 500_000;

/**
 * Encodings chosen over the writer's default (dictionary when it pays, else PLAIN), measured with
 * `npm run bench:compact`: PLAIN left `bytes_sent` (INT64, 8 bytes a value) the largest column and made
 * a query naming it read most of the file. DELTA_BINARY_PACKED stores integers as bit-packed deltas
 * (about 2 bytes for a response size, near nothing for the sorted `event_time`); DELTA_BYTE_ARRAY stores
 * each sorted `ts` string as the length of the prefix it shares with the previous one plus the rest.
 * Both are in the Parquet spec (https://parquet.apache.org/docs/file-format/data-pages/encodings/) and
 * read by Athena (Trino) and DuckDB.
 */
const COLUMN_ENCODINGS: Record<string, 'DELTA_BINARY_PACKED' | 'DELTA_BYTE_ARRAY'> = {
  ts: 'DELTA_BYTE_ARRAY',
  bytes_sent: 'DELTA_BINARY_PACKED',
  event_time: 'DELTA_BINARY_PACKED',
};

/** The typed column added beside `ts`. */
export const EVENT_TIME_COLUMN = 'event_time';

type CanonicalType = (typeof CANONICAL_COLUMNS)[number][1];

/** Parquet leaf type for each Hive type of the JSON table (CANONICAL_COLUMNS). */
const PARQUET_TYPES: Record<Exclude<CanonicalType, 'map<string,string>'>, Partial<SchemaElement>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int: { type: 'INT32' },
  bigint: { type: 'INT64' },
  double: { type: 'DOUBLE' },
};

/** The schema: every column OPTIONAL, as in the JSON table where a missing key reads as NULL. */
export function parquetSchema(): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: 'root', num_children: CANONICAL_COLUMNS.length + 1 }];
  for (const [name, type] of CANONICAL_COLUMNS) {
    if (type === 'map<string,string>') {
      schema.push(
        { name, repetition_type: 'OPTIONAL', converted_type: 'MAP', num_children: 1 },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        { name: 'key', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'value', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      );
    } else schema.push({ name, repetition_type: 'OPTIONAL', ...PARQUET_TYPES[type] } as SchemaElement);
  }
  schema.push({
    name: EVENT_TIME_COLUMN,
    type: 'INT64',
    repetition_type: 'OPTIONAL',
    converted_type: 'TIMESTAMP_MILLIS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
  } as SchemaElement);
  return schema;
}

/** A value of a raw record that does not fit its column: the compaction of that hour stops on it. */
export class RecordTypeError extends Error {
  override name = 'RecordTypeError';
}

/**
 * Collects records column by column (no record objects are kept), then writes them sorted by `ts`, so
 * each row group's min/max of `ts` lets a reader skip it for a time range outside.
 */
export class ParquetHourWriter {
  private readonly columns = new Map<string, unknown[]>(CANONICAL_COLUMNS.map(([name]) => [name, []]));
  private rows = 0;

  get rowCount(): number {
    return this.rows;
  }

  /** Adds one parsed JSONL record. Throws RecordTypeError naming the field for a value of the wrong type. */
  add(record: Record<string, unknown>): void {
    for (const [name, type] of CANONICAL_COLUMNS) {
      this.columns.get(name)!.push(columnValue(name, type, record[name]));
    }
    this.rows++;
  }

  /** The Parquet bytes; `metadata` goes into the footer's key-value metadata. */
  finish(metadata: Record<string, string>): Uint8Array {
    const ts = this.columns.get('ts') as (string | null)[];
    // Stable: rows with equal ts keep their raw order (objects by key, lines in order).
    const order = Array.from({ length: this.rows }, (_, i) => i).sort((a, b) => compare(ts[a], ts[b]));
    const columnData: ColumnSource[] = CANONICAL_COLUMNS.map(([name]) => {
      const values = this.columns.get(name)!;
      const encoding = COLUMN_ENCODINGS[name];
      return { name, data: order.map((i) => values[i]), ...(encoding ? { encoding } : {}) };
    });
    columnData.push({
      name: EVENT_TIME_COLUMN,
      encoding: COLUMN_ENCODINGS[EVENT_TIME_COLUMN]!,
      data: order.map((i) => {
        const millis = ts[i] === null ? Number.NaN : Date.parse(ts[i]!);
        return Number.isNaN(millis) ? null : BigInt(millis);
      }),
    });
    const buffer = parquetWriteBuffer({
      columnData,
      schema: parquetSchema(),
      codec: 'SNAPPY',
      rowGroupSize: ROW_GROUP_ROWS,
      // Whole ts values (24 bytes) in the statistics, so min/max compare exactly.
      statisticsTruncateLength: 24,
      kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      createdBy: 'accesslake compact (hyparquet-writer)',
    });
    return new Uint8Array(buffer);
  }
}

function compare(a: string | null | undefined, b: string | null | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return a < b ? -1 : 1;
}

function columnValue(name: string, type: CanonicalType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'int':
      if (Number.isInteger(value) && Math.abs(value as number) <= 2 ** 31 - 1) return value;
      break;
    case 'bigint':
      if (Number.isSafeInteger(value)) return BigInt(value as number);
      break;
    case 'double':
      if (typeof value === 'number') return value;
      break;
    case 'map<string,string>':
      if (typeof value === 'object' && !Array.isArray(value)) {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.every(([, v]) => v === null || typeof v === 'string')) return value;
      }
      break;
  }
  throw new RecordTypeError(`field ${name}: ${JSON.stringify(value).slice(0, 80)} is not a ${type}`);
}
