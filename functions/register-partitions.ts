/**
 * AWS Lambda entry, on an EventBridge schedule (e.g. `rate(15 minutes)`), for setups whose ingest does
 * not register partitions itself: adds this hour's and the previous hour's partitions to the Glue
 * table, or starts the crawler while the table does not exist yet. Settings from the environment:
 * ACCESSLAKE_GLUE_DATABASE, ACCESSLAKE_GLUE_TABLE, ACCESSLAKE_GLUE_CRAWLER (the ingest's rows, defaults in
 * docs/configuration.md), AWS_REGION. IAM: the registrar policy from `accesslake provision
 * --print-policy`. See docs/aws.md.
 */

import { createGlueRegistrar } from '../ingest/glue.ts';
import { INGEST_SETTINGS } from '../ingest/index.ts';
import { hourOf } from '../lake-contract/index.ts';
import { AWS_REGION_SETTING } from '../lib/config/index.ts';
import { resolveSettings } from '../lib/settings/index.ts';

// The same rows (names, variables, defaults) as the ingest's own registrar, `serve --register-partitions`.
const { values } = resolveSettings(
  {
    'glue-database': INGEST_SETTINGS['glue-database'],
    'glue-table': INGEST_SETTINGS['glue-table'],
    'glue-crawler': INGEST_SETTINGS['glue-crawler'],
    region: AWS_REGION_SETTING,
  },
  {},
  process.env,
);
const registrar = createGlueRegistrar({
  database: values['glue-database'],
  table: values['glue-table'],
  crawler: values['glue-crawler'],
  region: values.region,
});

export async function handler(event: { time?: string } = {}): Promise<{ hours: string[] }> {
  const now = event.time ? new Date(event.time) : new Date();
  // The previous hour too: its last objects may have landed after the previous run.
  const hours = [new Date(now.getTime() - 3_600_000), now].map((d) => hourOf(d.toISOString()));
  await registrar.register(hours);
  return { hours: hours.map((h) => `${h.year}-${h.month}-${h.day}T${h.hour}`) };
}
