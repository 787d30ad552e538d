import { formatClasses, generate, resolveGenOptions } from '../../gen/index.ts';
import { type CommandRunner, parseCommand } from '../args.ts';
import { GEN_COMMAND } from '../options/gen.ts';

export const run: CommandRunner = async (argv) => {
  const parsed = parseCommand(GEN_COMMAND, argv);
  if (parsed.help) return 0;
  const values = parsed.flags;
  const options = resolveGenOptions(values);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const { stats, target, elapsedMs } = await generate(options, controller.signal);
    const failed = stats.failed > 0 ? `, ${stats.failed} without an answer` : '';
    const verb =
      options.url === undefined
        ? `wrote ${stats.lines} lines (${options.format})`
        : `sent ${stats.lines + stats.failed} requests`;
    console.error(
      `accesslake gen: ${verb} to ${target} in ${(elapsedMs / 1000).toFixed(1)} s, seed ${options.seed}: ${formatClasses(stats)}${failed}`,
    );
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
};
