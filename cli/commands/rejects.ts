import { pickLakeLocation } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import { formatRejectGroups, groupRejects } from '../../rejects/list.ts';
import { listRejectsKeys, readRejectsObject, type StoredReject } from '../../rejects/read.ts';
import { replayRejects } from '../../rejects/replay.ts';
import { createStorage } from '../../storage/index.ts';
import { parseFlags } from '../args.ts';
import type { CommandRunner } from '../main.ts';

const HELP = `usage: accesslake rejects [--lake ./lake | s3://bucket/prefix] [--s3-endpoint URL] [--s3-region R]
       accesslake rejects replay --format F [--source S] [--lake …]

Lines ingest could not read are kept in the lake under rejects/, each with its reason. The first form
lists them grouped by reason, with an example line each. "replay" reads them again with a corrected
--format (json, combined, main, s3, alb or an nginx log_format string): the lines that now parse go into
the lake, those that still fail stay under rejects/ with their new reason. A replay is exactly once: run
again, or after an interruption, it adds nothing twice.

  --lake L         the lake: a folder or s3://bucket/prefix (env ACCESSLAKE_LAKE, default ./lake)
  --format F       replay: the format the rejected lines are really in
  --source S       replay: only the rejects of this source (the agent's --source, e.g. the host name)
  --s3-endpoint    an S3-compatible endpoint (env ACCESSLAKE_S3_ENDPOINT), e.g. MinIO or moto
  --s3-region      (env ACCESSLAKE_S3_REGION or AWS_REGION)`;

export const run: CommandRunner = async (argv, env) => {
  const { values, positionals } = parseFlags(
    argv,
    {
      lake: { type: 'string' },
      format: { type: 'string' },
      source: { type: 'string' },
      's3-endpoint': { type: 'string' },
      's3-region': { type: 'string' },
    },
    true,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (extra.length > 0 || (action !== undefined && action !== 'replay'))
    throw new ConfigError(
      `unknown argument ${JSON.stringify(extra[0] ?? action)}: see accesslake rejects --help`,
    );
  if (action === undefined && (values.format !== undefined || values.source !== undefined))
    throw new ConfigError('--format and --source go with "replay": accesslake rejects replay --format F');
  if (action === 'replay' && !values.format)
    throw new ConfigError('replay needs --format F: the format the rejected lines are really in');

  const lake = pickLakeLocation(values, env).value ?? './lake';
  const endpoint = values['s3-endpoint'] ?? env.ACCESSLAKE_S3_ENDPOINT;
  const region = values['s3-region'] ?? env.ACCESSLAKE_S3_REGION ?? env.AWS_REGION;
  const storage = await createStorage(lake, {
    s3: { ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}) },
  });
  const gzip = await loadGzipCodec();

  if (action === 'replay') {
    const result = await replayRejects({
      storage,
      gzip,
      format: values.format!,
      ...(values.source !== undefined ? { source: values.source } : {}),
      onObject: (o) =>
        console.error(
          `  ${o.key}: ${o.accepted} into the lake${o.rejected ? `, ${o.rejected} still rejected (now in ${o.rejectsKey})` : ''}`,
        ),
    });
    console.log(
      `replayed ${result.lines} line${result.lines === 1 ? '' : 's'} from ${result.objects} rejects object${result.objects === 1 ? '' : 's'} as ${values.format}: ` +
        `${result.accepted} now in the lake, ${result.stillRejected} still rejected` +
        (result.skipped
          ? ` · ${result.skipped} object${result.skipped === 1 ? '' : 's'} skipped (another source, or already rejected as ${values.format})`
          : ''),
    );
    return 0;
  }

  const keys = await listRejectsKeys(storage);
  const all: StoredReject[] = [];
  for (const key of keys) {
    const object = await readRejectsObject(storage, gzip, key);
    if (object) all.push(...object.rejects);
  }
  console.log(formatRejectGroups(groupRejects(all), keys.length));
  return 0;
};
