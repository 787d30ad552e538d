/**
 * The Glue crawler's definition: it crawls the raw table `access_logs_raw` that provision defines (a
 * catalog target), adding its `year/month/day/hour` partitions, and never drops a column. A catalog
 * target, not an S3 path: a crawler names the tables it creates after their folder, which would make an
 * `access_logs` table where the view of that name must be.
 * https://docs.aws.amazon.com/glue/latest/webapi/API_CreateCrawler.html,
 * https://docs.aws.amazon.com/glue/latest/dg/crawler-configuration.html
 */
import type { CreateCrawlerCommandInput } from '@aws-sdk/client-glue';
import type { LakeNames } from '../provision/contract/index.ts';

/** What the crawler's definition needs: its name, its catalog target and its schedule. */
export interface CrawlerInput extends Pick<LakeNames, 'crawlerName' | 'database' | 'table'> {
  /** A Glue `cron(…)` expression (provision/contract/schedule.ts). */
  crawlerSchedule: string;
}

/** The crawler `provision` creates; `Role` must be set by the caller. */
export function desiredCrawler(o: CrawlerInput, role: string): CreateCrawlerCommandInput {
  return {
    Name: o.crawlerName,
    Role: role,
    DatabaseName: o.database,
    Description: 'accesslake: adds the hour partitions of the access-log lake to the Glue catalog',
    // The raw table's location is the data prefix only: rejects/, athena-results/ and the compacted
    // tier are its siblings, so the crawler never reads them.
    Targets: { CatalogTargets: [{ DatabaseName: o.database, Tables: [o.table] }] },
    Schedule: o.crawlerSchedule,
    // Incremental (new folders only) crawling is for S3 targets; a catalog target is crawled whole.
    RecrawlPolicy: { RecrawlBehavior: 'CRAWL_EVERYTHING' },
    // A catalog target needs DeleteBehavior LOG, and LOG for updates is what keeps every column: the
    // crawler never rewrites or drops the table's schema, it only logs what it saw.
    SchemaChangePolicy: { UpdateBehavior: 'LOG', DeleteBehavior: 'LOG' },
    Configuration: JSON.stringify(crawlerConfiguration()),
  };
}

/** New partitions take the table's schema instead of a guess of their own. */
export function crawlerConfiguration() {
  return {
    Version: 1.0,
    CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
  };
}

/** `s3://bucket/access_logs/` → 2; `s3://bucket/lake/access_logs/` → 3. */
export function tableLevel(o: Pick<LakeNames, 'prefix' | 'dataPrefix'>): number {
  const segments = [o.prefix, o.dataPrefix].join('/').split('/').filter(Boolean);
  return 1 + segments.length;
}

/** Glob exclusions relative to the data path for the rejects and results prefixes. */
export function crawlerExclusions(o: Pick<LakeNames, 'rejectsPrefix' | 'resultsPrefix'>): string[] {
  return [o.rejectsPrefix, o.resultsPrefix].map((p) => `${p}/**`);
}
