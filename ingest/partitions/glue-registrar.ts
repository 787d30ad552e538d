/**
 * Registers fresh hour partitions in the Glue catalog so new data is queryable before the next crawl:
 * BatchCreatePartition when the table exists (the partition's StorageDescriptor copied from the
 * table's, with the hour's location), otherwise a debounced StartCrawler so the first crawl makes the
 * table. Hours already registered are remembered and never sent again; a partition-projection table
 * needs none. Failures throw (the ingest app logs and counts them; they never fail the batch).
 * https://docs.aws.amazon.com/glue/latest/webapi/API_BatchCreatePartition.html
 */
import {
  BatchCreatePartitionCommand,
  GetTableCommand,
  GlueClient,
  type PartitionError,
  type PartitionInput,
  StartCrawlerCommand,
  type Table,
} from '@aws-sdk/client-glue';
import { awsErrorCode, toAwsError } from '../../aws/index.ts';
import { type HourPartition, partitionPath } from '../../lake-contract/index.ts';
import type { PartitionRegistrar } from './types.ts';

export interface GlueRegistrarOptions {
  database: string;
  table: string;
  /** Started when the table does not exist yet. */
  crawler: string;
  client?: GlueClient;
  region?: string;
  endpoint?: string;
  /** At most one StartCrawler per this long. Default 5 minutes, Glue's shortest schedule. */
  crawlerDebounceMs?: number;
  /** How long a missing table is believed missing before GetTable is asked again. Default 60 s. */
  missingTableTtlMs?: number;
  /** Deadline per Glue call, so a hung connection never holds a batch's answer. Default 5 s. */
  requestTimeoutMs?: number;
  /** Hours remembered as registered; the oldest are forgotten first. Default 10,000 (over a year). */
  maxRemembered?: number;
  now?: () => number;
}

// BatchCreatePartition takes at most 100 partitions per call.
const BATCH_LIMIT = 100;

export function createGlueRegistrar(options: GlueRegistrarOptions): PartitionRegistrar & {
  /** Hours registered so far (`YYYYMMDDHH`), for tests and metrics. */
  readonly registered: ReadonlySet<string>;
} {
  const now = options.now ?? Date.now;
  const debounceMs = options.crawlerDebounceMs ?? 5 * 60_000;
  const missingTtlMs = options.missingTableTtlMs ?? 60_000;
  const timeoutMs = options.requestTimeoutMs ?? 5000;
  const maxRemembered = options.maxRemembered ?? 10_000;
  const resource = `table/${options.database}/${options.table}`;
  let client = options.client;
  const glue = () => {
    client ??= new GlueClient({
      region: options.region ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    return client;
  };

  const registered = new Set<string>();
  let table: Table | undefined;
  let tableMissingSince: number | undefined;
  let lastCrawlerStart = Number.NEGATIVE_INFINITY;
  // One registration at a time: concurrent batches for a new hour make one call, not several.
  let queue: Promise<unknown> = Promise.resolve();

  const remember = (key: string) => {
    registered.add(key);
    if (registered.size > maxRemembered) registered.delete(registered.values().next().value as string);
  };

  async function currentTable(): Promise<Table | undefined> {
    if (table) return table;
    if (tableMissingSince !== undefined && now() - tableMissingSince < missingTtlMs) return undefined;
    try {
      const answer = await glue().send(
        new GetTableCommand({ DatabaseName: options.database, Name: options.table }),
        {
          abortSignal: AbortSignal.timeout(timeoutMs),
        },
      );
      table = answer.Table;
      tableMissingSince = undefined;
      return table;
    } catch (error) {
      if (awsErrorCode(error) !== 'EntityNotFoundException')
        throw toAwsError(error, 'glue:GetTable', resource);
      tableMissingSince = now();
      return undefined;
    }
  }

  async function startCrawler(): Promise<void> {
    if (now() - lastCrawlerStart < debounceMs) return;
    lastCrawlerStart = now();
    try {
      await glue().send(new StartCrawlerCommand({ Name: options.crawler }), {
        abortSignal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // Already crawling: that run will find the new folders (API_StartCrawler: CrawlerRunningException).
      if (awsErrorCode(error) === 'CrawlerRunningException') return;
      throw toAwsError(error, 'glue:StartCrawler', `crawler/${options.crawler}`);
    }
  }

  async function createPartitions(t: Table, hours: HourPartition[]): Promise<void> {
    const base = (t.StorageDescriptor?.Location ?? '').replace(/\/*$/, '/');
    const failures: string[] = [];
    for (let i = 0; i < hours.length; i += BATCH_LIMIT) {
      const chunk = hours.slice(i, i + BATCH_LIMIT);
      const inputs: PartitionInput[] = chunk.map((p) => ({
        Values: [p.year, p.month, p.day, p.hour],
        StorageDescriptor: { ...t.StorageDescriptor, Location: `${base}${partitionPath(p)}/` },
      }));
      let errors: PartitionError[];
      try {
        const answer = await glue().send(
          new BatchCreatePartitionCommand({
            DatabaseName: options.database,
            TableName: options.table,
            PartitionInputList: inputs,
          }),
          { abortSignal: AbortSignal.timeout(timeoutMs) },
        );
        errors = answer.Errors ?? [];
      } catch (error) {
        throw toAwsError(error, 'glue:BatchCreatePartition', resource);
      }
      const failed = new Set<string>();
      for (const e of errors) {
        // The partition is there already (the crawler or another ingest instance made it): that is success.
        if (e.ErrorDetail?.ErrorCode === 'AlreadyExistsException') continue;
        const key = (e.PartitionValues ?? []).join('');
        failed.add(key);
        failures.push(
          `${(e.PartitionValues ?? []).join('/')}: ${e.ErrorDetail?.ErrorCode} ${e.ErrorDetail?.ErrorMessage ?? ''}`.trim(),
        );
      }
      for (const p of chunk) if (!failed.has(hourKey(p))) remember(hourKey(p));
    }
    if (failures.length > 0) {
      throw toAwsError(
        Object.assign(new Error(failures.join('; ')), { name: 'BatchCreatePartitionErrors' }),
        'glue:BatchCreatePartition',
        resource,
      );
    }
  }

  async function registerNew(partitions: readonly HourPartition[]): Promise<void> {
    const fresh = unique(partitions).filter((p) => !registered.has(hourKey(p)));
    if (fresh.length === 0) return;
    const t = await currentTable();
    if (!t) return startCrawler();
    // Partition projection computes partitions from the query; nothing to add.
    if (t.Parameters?.['projection.enabled'] === 'true') {
      for (const p of fresh) remember(hourKey(p));
      return;
    }
    await createPartitions(t, fresh);
  }

  return {
    registered,
    register(partitions) {
      // The common case, every batch of an hour already registered, costs no call and no wait.
      if (partitions.every((p) => registered.has(hourKey(p)))) return Promise.resolve();
      const run = queue.then(() => registerNew(partitions));
      queue = run.catch(() => {});
      return run;
    },
  };
}

const hourKey = (p: HourPartition) => `${p.year}${p.month}${p.day}${p.hour}`;

function unique(partitions: readonly HourPartition[]): HourPartition[] {
  const byKey = new Map<string, HourPartition>();
  for (const p of partitions) byKey.set(hourKey(p), p);
  return [...byKey.values()];
}
