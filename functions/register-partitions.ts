/**
 * AWS Lambda entry, on an EventBridge schedule (e.g. `rate(15 minutes)`), for setups whose ingest does
 * not register partitions itself: adds this hour's and the previous hour's partitions to the Glue
 * table, or starts the crawler while the table does not exist yet. Settings from the environment:
 * ACCESSLAKE_GLUE_DATABASE, ACCESSLAKE_GLUE_TABLE, ACCESSLAKE_GLUE_CRAWLER, AWS_REGION. IAM: the
 * registrar policy from `accesslake provision --print-policy`. See docs/aws.md.
 */

import { createGlueRegistrar } from '../ingest/glue.ts';
import { GLUE_DEFAULTS, hourOf } from '../lake-contract/index.ts';

const registrar = createGlueRegistrar({
  database: process.env.ACCESSLAKE_GLUE_DATABASE ?? GLUE_DEFAULTS.database,
  table: process.env.ACCESSLAKE_GLUE_TABLE ?? GLUE_DEFAULTS.table,
  crawler: process.env.ACCESSLAKE_GLUE_CRAWLER ?? GLUE_DEFAULTS.crawler,
  ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
});

export async function handler(event: { time?: string } = {}): Promise<{ hours: string[] }> {
  const now = event.time ? new Date(event.time) : new Date();
  // The previous hour too: its last objects may have landed after the previous run.
  const hours = [new Date(now.getTime() - 3_600_000), now].map((d) => hourOf(d.toISOString()));
  await registrar.register(hours);
  return { hours: hours.map((h) => `${h.year}-${h.month}-${h.day}T${h.hour}`) };
}
