/**
 * Turns a resolved {@link ReportConfig} into a run: the engine, the output storage, the link maker and
 * the mailer, closed again afterwards. The CLI and the Lambda both come through here; the Lambda passes
 * clients it keeps between invocations.
 */

import type { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '../lib/log/index.ts';
import type { QueryEngine } from '../query/index.ts';
// Not query/index.ts: it brings the native DuckDB engine, which the report Lambda's bundle must not
// contain (deploy/build-lambda.ts refuses it). DuckDB comes in through `deps.openDuckDb`.
import { createAthenaEngine } from '../query/index.ts';
import { createStorage } from '../storage/index.ts';
import type { ReportConfig } from './config.ts';
import { createMailer } from './email/send.ts';
import { s3ObjectsVia } from './engines/s3-objects.ts';
import { createLinkMaker } from './output/links.ts';
import { type ReportOutcome, runReport } from './run-report.ts';

export interface ReportDeps {
  /** Opens the DuckDB engine over a lake folder; the CLI passes it, the (Athena-only) Lambda does not. */
  openDuckDb?: (lake: string) => Promise<QueryEngine>;
  s3Client?: S3Client;
  athenaClient?: AthenaClient;
  logger?: Logger;
}

export async function runReportFromConfig(
  config: ReportConfig,
  deps: ReportDeps = {},
): Promise<ReportOutcome> {
  let s3 = deps.s3Client;
  const s3Client = () => {
    s3 ??= new S3Client({
      region: config.s3.region,
      ...(config.s3.endpoint ? { endpoint: config.s3.endpoint, forcePathStyle: true } : {}),
    });
    return s3;
  };
  const storageOptions = () => ({ s3: { client: s3Client() } });
  const output = await createStorage(config.out, config.out.startsWith('s3://') ? storageOptions() : {});
  // The CTAS output lands in the workgroup's results location, wherever that is: opened on demand.
  const objects = s3ObjectsVia((root) => createStorage(root, storageOptions()));
  const links = createLinkMaker(output.url, {
    client: s3Client,
    expiresInSeconds: config.linkExpiresSeconds,
  });
  const mailer = config.email ? createMailer(config.email) : undefined;

  const engine: QueryEngine =
    config.engine === 'duckdb'
      ? await openDuckDb(deps, config.lake)
      : createAthenaEngine({
          workgroup: config.athena.workgroup,
          database: config.athena.database,
          region: config.athena.region,
          ...(config.athena.endpoint ? { endpoint: config.athena.endpoint } : {}),
          ...(deps.athenaClient ? { client: deps.athenaClient } : {}),
        });
  try {
    return await runReport({
      period: config.period,
      engine,
      output,
      links,
      top: config.top,
      athena: { database: config.athena.database, objects },
      ...(mailer ? { mailer } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
  } finally {
    await engine.close();
    mailer?.close();
    // A client we made is ours to close; one passed in belongs to the caller (the Lambda keeps it warm).
    if (s3 && !deps.s3Client) s3.destroy();
  }
}

function openDuckDb(deps: ReportDeps, lake: string): Promise<QueryEngine> {
  if (!deps.openDuckDb) throw new TypeError('runReportFromConfig: engine duckdb needs deps.openDuckDb');
  return deps.openDuckDb(lake);
}
