import { resolveUpOptions, runUp } from '../../up/index.ts';
import { type CommandRunner, readCommand } from '../args.ts';
import { UP_COMMAND } from '../options/up.ts';

export const run: CommandRunner = async (argv) => {
  // No environment: up is a demo started from a shell, its settings are its flags.
  const read = readCommand(UP_COMMAND, argv, {});
  if (!read) return 0;
  const options = resolveUpOptions(read.values, {
    rate: read.sources.rate !== undefined,
    seed: read.sources.seed !== undefined,
  });
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    // A second Ctrl-C while stopping: give up waiting; the exit handler kills the children.
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runUp(options, { signal: controller.signal });
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};
