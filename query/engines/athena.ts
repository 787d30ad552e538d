/**
 * The Athena engine: StartQueryExecution in a workgroup, poll GetQueryExecution with backoff, page
 * through GetQueryResults, and turn Athena's all-strings rows into typed JS values. Reports the bytes
 * scanned and their cost. https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
 */
import {
  AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type Row,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { toAwsError } from '../../aws/index.ts';
import { sqlLiteral } from '../../lib/sql/index.ts';
import { athenaCostUsd } from '../athena-cost.ts';
import { type QueryEngine, QueryError, type QueryResult, safeInteger } from '../types.ts';

export interface AthenaEngineOptions {
  /** The workgroup `accesslake provision` made; it enforces the results location and the scan cutoff. */
  workgroup: string;
  /** Glue database. Default `accesslake`. */
  database?: string;
  /** Default `AwsDataCatalog`. */
  catalog?: string;
  /** A ready client (tests, reuse). Otherwise one is made from `region`/`endpoint`. */
  client?: AthenaClient;
  region?: string;
  endpoint?: string;
  /** First wait between polls; doubles up to `maxPollIntervalMs`. Default 200 ms, max 2 s. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Give up (and StopQueryExecution) after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** Refuse to hold more rows than this in memory. Default 100,000. */
  maxRows?: number;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

const PAGE_SIZE = 1000; // GetQueryResults' maximum MaxResults

/**
 * @example
 * const athena = createAthenaEngine({ workgroup: 'accesslake' });
 * const { rows, bytesScanned, costUsd } = await athena.query('SELECT count(*) AS n FROM access_logs');
 */
export function createAthenaEngine(options: AthenaEngineOptions): QueryEngine {
  const database = options.database ?? 'accesslake';
  const firstWait = options.pollIntervalMs ?? 200;
  const maxWait = options.maxPollIntervalMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const maxRows = options.maxRows ?? 100_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const ownsClient = !options.client;
  let client = options.client;
  const athena = () => {
    client ??= new AthenaClient({
      region: options.region ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    return client;
  };
  const workgroupArn = `workgroup/${options.workgroup}`;

  async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toAwsError(error, `athena:${action}`, workgroupArn);
    }
  }

  async function waitForCompletion(id: string) {
    const deadline = Date.now() + timeoutMs;
    let wait = firstWait;
    for (;;) {
      const { QueryExecution: execution } = await call('GetQueryExecution', () =>
        athena().send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') return execution;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason =
          execution?.Status?.AthenaError?.ErrorMessage ??
          execution?.Status?.StateChangeReason ??
          'no reason given';
        throw new QueryError('athena', `Athena query ${id} ${state}: ${reason}`, { state });
      }
      if (Date.now() + wait > deadline) {
        await call('StopQueryExecution', () =>
          athena().send(new StopQueryExecutionCommand({ QueryExecutionId: id })),
        ).catch(() => {});
        throw new QueryError(
          'athena',
          `Athena query ${id} still ${state} after ${timeoutMs / 1000} s; stopped it`,
          {
            state: 'TIMEOUT',
          },
        );
      }
      await sleep(wait);
      wait = Math.min(wait * 2, maxWait);
    }
  }

  return {
    name: 'athena',
    async query(sql, queryOptions) {
      const started = await call('StartQueryExecution', () =>
        athena().send(
          new StartQueryExecutionCommand({
            QueryString: sql,
            // Athena substitutes each parameter's text for a `?`: the SQL literal of the value.
            ...(queryOptions?.params?.length
              ? { ExecutionParameters: queryOptions.params.map(sqlLiteral) }
              : {}),
            WorkGroup: options.workgroup,
            QueryExecutionContext: { Database: database, Catalog: options.catalog ?? 'AwsDataCatalog' },
          }),
        ),
      );
      const id = started.QueryExecutionId;
      if (!id) throw new QueryError('athena', 'Athena accepted the query but returned no QueryExecutionId');
      const execution = await waitForCompletion(id);

      let columns: ColumnInfo[] | undefined;
      const rawRows: Row[] = [];
      let token: string | undefined;
      let first = true;
      do {
        const page: GetQueryResultsCommandOutput = await call('GetQueryResults', () =>
          athena().send(
            new GetQueryResultsCommand({
              QueryExecutionId: id,
              MaxResults: PAGE_SIZE,
              ...(token ? { NextToken: token } : {}),
            }),
          ),
        );
        columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        let rows = page.ResultSet?.Rows ?? [];
        // For SELECT, Athena repeats the column labels as the first row of the first page.
        if (first && execution?.StatementType === 'DML' && isHeaderRow(rows[0], columns))
          rows = rows.slice(1);
        first = false;
        rawRows.push(...rows);
        if (rawRows.length > maxRows) {
          throw new QueryError(
            'athena',
            `Athena query ${id} returned more than ${maxRows} rows; add a LIMIT or aggregate further`,
          );
        }
        token = page.NextToken;
      } while (token);

      const info = columns ?? [];
      const names = info.map((c, i) => c.Label ?? c.Name ?? `_col${i}`);
      const rows = rawRows.map((row) => {
        const out: Record<string, unknown> = {};
        info.forEach((c, i) => {
          out[names[i]!] = convertAthenaValue(row.Data?.[i]?.VarCharValue, c.Type ?? 'varchar');
        });
        return out;
      });
      const bytesScanned = execution?.Statistics?.DataScannedInBytes ?? 0;
      const result: QueryResult = {
        columns: info.map((c, i) => ({ name: names[i]!, type: (c.Type ?? 'varchar').toLowerCase() })),
        rows,
        bytesScanned,
        costUsd: athenaCostUsd(bytesScanned),
        queryExecutionId: id,
      };
      return result;
    },
    async close() {
      if (ownsClient) client?.destroy();
    },
  };
}

function isHeaderRow(row: Row | undefined, columns: ColumnInfo[]): boolean {
  if (!row?.Data || row.Data.length !== columns.length) return false;
  return row.Data.every((d, i) => d.VarCharValue === (columns[i]?.Label ?? columns[i]?.Name));
}

/**
 * Athena returns every value as a string; `undefined` (no VarCharValue) is SQL NULL, while `''` is an
 * empty string. Types per https://docs.aws.amazon.com/athena/latest/ug/data-types.html.
 */
export function convertAthenaValue(value: string | undefined, type: string): unknown {
  if (value === undefined) return null;
  const t = type.toLowerCase();
  if (t === 'tinyint' || t === 'smallint' || t === 'integer' || t === 'int' || t === 'bigint') {
    return /^-?\d+$/.test(value) ? safeInteger(BigInt(value)) : value;
  }
  if (t === 'double' || t === 'float' || t === 'real' || t.startsWith('decimal')) {
    const n = Number(value);
    return Number.isNaN(n) && value !== 'NaN' ? value : n;
  }
  if (t === 'boolean') return value === 'true';
  if (t.startsWith('timestamp')) return isoTimestamp(value);
  return value;
}

/** `2025-01-10 14:31:00.000` or `… UTC` → `2025-01-10T14:31:00.000Z`; other zones stay as Athena wrote them. */
function isoTimestamp(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?(?: (UTC|Z))?$/.exec(value);
  if (!m) return value;
  const fraction = (m[3] ?? '.000').padEnd(4, '0').slice(0, 4);
  return `${m[1]}T${m[2]}${fraction}Z`;
}
