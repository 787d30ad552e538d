import { ConfigError } from '../../lib/errors/index.ts';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import {
  formatRejectGroups,
  groupRejects,
  listRejectsKeys,
  readRejectsObject,
  replayRejects,
  type StoredReject,
} from '../../rejects/index.ts';
import { createStorage } from '../../storage/index.ts';
import { type CommandRunner, readCommand } from '../args.ts';
import { REJECTS_COMMAND } from '../options/rejects.ts';

export const run: CommandRunner = async (argv, env) => {
  const read = readCommand(REJECTS_COMMAND, argv, env);
  if (!read) return 0;
  const { values, positionals } = read;
  const [action, ...extra] = positionals;
  if (extra.length > 0 || (action !== undefined && action !== 'replay'))
    throw new ConfigError(
      `unknown argument ${JSON.stringify(extra[0] ?? action)}: see accesslake rejects --help`,
    );
  if (action === undefined && (values.format !== undefined || values.source !== undefined))
    throw new ConfigError('--format and --source go with "replay": accesslake rejects replay --format F');
  if (action === 'replay' && !values.format)
    throw new ConfigError('replay needs --format F: the format the rejected lines are really in');

  const { lake, 's3-endpoint': endpoint, 's3-region': region } = values;
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
