import { lakeState, startDashboard } from '../../dashboard/index.ts';
import { type CommandRunner, readCommand } from '../args.ts';
import { DASHBOARD_COMMAND } from '../options/dashboard.ts';

export const run: CommandRunner = async (argv, env) => {
  const read = readCommand(DASHBOARD_COMMAND, argv, env);
  if (!read) return 0;
  const { lake, host, port, token: tokens } = read.values;
  const dashboard = await startDashboard({
    lake,
    host,
    port,
    tokens,
  });
  const state = await lakeState(lake);
  const note =
    state === 'missing'
      ? ` (the folder does not exist yet: the page says so until it does)`
      : state === 'empty'
        ? ' (no records yet)'
        : '';
  console.log(`accesslake dashboard: ${dashboard.url} · lake ${lake}${note} · Ctrl-C stops`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      dashboard.close().then(resolve, resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
};
