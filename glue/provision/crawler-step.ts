import {
  type Crawler,
  CreateCrawlerCommand,
  GetCrawlerCommand,
  type GlueClient,
  UpdateCrawlerCommand,
} from '@aws-sdk/client-glue';
import { awsErrorCode, toAwsError } from '../../aws/index.ts';
import type { ProvisionOptions } from '../../provision/contract/index.ts';
import { diff, type ProvisionStep } from '../../provision/contract/index.ts';
import { desiredCrawler } from '../crawler.ts';

/** The scheduled crawler (crawler mode); blocked until an IAM role is given. */
export function crawlerStep(o: ProvisionOptions, glue: GlueClient): ProvisionStep {
  const resource = `crawler/${o.crawlerName}`;
  const desired = () => desiredCrawler(o, o.crawlerRole ?? '');
  return {
    kind: 'Glue crawler',
    name: o.crawlerName,
    blockedReason() {
      return o.crawlerRole
        ? undefined
        : 'the crawler needs an IAM role: create one with the policy printed below, then run again with --crawler-role <role ARN> (or use --table projection, which needs no crawler)';
    },
    async inspect() {
      let crawler: Crawler | undefined;
      try {
        crawler = (await glue.send(new GetCrawlerCommand({ Name: o.crawlerName }))).Crawler;
      } catch (error) {
        if (awsErrorCode(error) === 'EntityNotFoundException') return { state: 'missing' };
        throw toAwsError(error, 'glue:GetCrawler', resource);
      }
      return { state: 'present', changes: compareCrawler(desired(), crawler ?? {}, o.crawlerRole) };
    },
    async create() {
      try {
        await glue.send(new CreateCrawlerCommand(desired()));
      } catch (error) {
        if (awsErrorCode(error) === 'AlreadyExistsException') return;
        throw toAwsError(error, 'glue:CreateCrawler', resource);
      }
    },
    async update() {
      try {
        // desiredCrawler() sets only fields UpdateCrawler also takes (no Tags or Classifiers).
        await glue.send(new UpdateCrawlerCommand(desired()));
      } catch (error) {
        // A crawler cannot be changed while it runs (API_UpdateCrawler: CrawlerRunningException).
        if (awsErrorCode(error) === 'CrawlerRunningException') {
          throw toAwsError(
            error,
            'glue:UpdateCrawler',
            `${resource} (it is running now; run provision again when it has finished)`,
          );
        }
        throw toAwsError(error, 'glue:UpdateCrawler', resource);
      }
    },
  };
}

/** What differs between the crawler we want and the one Glue has, in the fields provision owns. */
export function compareCrawler(
  desired: ReturnType<typeof desiredCrawler>,
  actual: Crawler,
  role: string | undefined,
) {
  const target = actual.Targets?.CatalogTargets?.[0];
  // Glue keeps whatever was given: a role name or its ARN name the same role.
  const sameRole =
    role !== undefined && actual.Role !== undefined && roleName(role) === roleName(actual.Role);
  return diff(
    {
      Role: sameRole ? actual.Role : desired.Role,
      DatabaseName: desired.DatabaseName,
      CatalogTarget: desired.Targets?.CatalogTargets?.[0],
      TargetCount: 1,
      Schedule: desired.Schedule,
      RecrawlPolicy: desired.RecrawlPolicy,
      SchemaChangePolicy: desired.SchemaChangePolicy,
      Configuration: JSON.parse(desired.Configuration ?? '{}'),
    },
    {
      Role: actual.Role,
      DatabaseName: actual.DatabaseName,
      CatalogTarget: target ? { DatabaseName: target.DatabaseName, Tables: target.Tables } : undefined,
      TargetCount: (actual.Targets?.CatalogTargets?.length ?? 0) + (actual.Targets?.S3Targets?.length ?? 0),
      Schedule: actual.Schedule?.ScheduleExpression,
      RecrawlPolicy: actual.RecrawlPolicy,
      SchemaChangePolicy: actual.SchemaChangePolicy,
      Configuration: parseJson(actual.Configuration),
    },
  );
}

const roleName = (role: string) => role.slice(role.lastIndexOf('/') + 1);

function parseJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
