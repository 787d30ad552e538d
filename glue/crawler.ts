/**
 * The Glue crawler's definition: one table for the whole data prefix, `year/month/day/hour` as its
 * partitions, new folders only, and no column ever dropped.
 * https://docs.aws.amazon.com/glue/latest/webapi/API_CreateCrawler.html
 */
import type { CreateCrawlerCommandInput } from '@aws-sdk/client-glue';
import { dataLocation, type ProvisionOptions } from './provision/options.ts';

/** The crawler `provision` creates; `Role` must be set by the caller. */
export function desiredCrawler(o: ProvisionOptions, role: string): CreateCrawlerCommandInput {
  return {
    Name: o.crawlerName,
    Role: role,
    DatabaseName: o.database,
    Description: 'accesslake: adds the hour partitions of the access-log lake to the Glue catalog',
    // The data prefix only: rejects/ and athena-results/ are its siblings, so the crawler never reads
    // them; the exclusions keep them out even if a lake is laid out with them nested inside.
    Targets: { S3Targets: [{ Path: dataLocation(o), Exclusions: crawlerExclusions(o) }] },
    Schedule: o.crawlerSchedule,
    // Only folders added since the last run: an hourly crawl reads one new hour, not the whole lake.
    RecrawlPolicy: { RecrawlBehavior: 'CRAWL_NEW_FOLDERS_ONLY' },
    // CRAWL_NEW_FOLDERS_ONLY accepts only LOG for both behaviours (Glue answers InvalidInputException
    // otherwise), and LOG is also what keeps every column: the crawler never rewrites or drops the
    // table's schema, it only logs what it saw.
    SchemaChangePolicy: { UpdateBehavior: 'LOG', DeleteBehavior: 'LOG' },
    Configuration: JSON.stringify(crawlerConfiguration(o)),
  };
}

/**
 * https://docs.aws.amazon.com/glue/latest/dg/crawler-configuration.html: the table sits at the data
 * prefix's absolute level (the bucket is level 1), compatible schemas are combined into that one table,
 * and new partitions take the table's schema instead of a guess of their own.
 */
export function crawlerConfiguration(o: ProvisionOptions) {
  return {
    Version: 1.0,
    Grouping: { TableGroupingPolicy: 'CombineCompatibleSchemas', TableLevelConfiguration: tableLevel(o) },
    CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
  };
}

/** `s3://bucket/access_logs/` → 2; `s3://bucket/lake/access_logs/` → 3. */
export function tableLevel(o: Pick<ProvisionOptions, 'prefix' | 'dataPrefix'>): number {
  const segments = [o.prefix, o.dataPrefix].join('/').split('/').filter(Boolean);
  return 1 + segments.length;
}

/** Glob exclusions relative to the data path for the rejects and results prefixes. */
export function crawlerExclusions(o: ProvisionOptions): string[] {
  return [o.rejectsPrefix, o.resultsPrefix].map((p) => `${p}/**`);
}
