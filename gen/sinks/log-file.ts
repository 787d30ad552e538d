/**
 * Appends rendered lines to a log file (opened with O_APPEND, as nginx opens its logs, so an agent
 * tailing it sees whole lines and a rotation by rename keeps working) or writes them to stdout.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AccessLakeError } from '../../lib/errors/index.ts';
import type { Generator } from '../generator.ts';
import type { LogFormat } from '../log-format.ts';
import { countStatus, createStats } from '../stats.ts';
import type { Sink } from './types.ts';

export interface LogFileSinkOptions {
  generator: Generator;
  format: LogFormat;
  /** File path, or `-` for stdout. */
  path: string;
}

export async function createLogFileSink(options: LogFileSinkOptions): Promise<Sink> {
  const { generator, format, path } = options;
  const stats = createStats();
  const render = (batch: Parameters<Sink['write']>[0]) => {
    let text = '';
    for (const generated of batch) {
      text += `${generator.render(generated, format)}\n`;
      countStatus(stats, generated.response.status, generated.request.time);
    }
    return text;
  };

  if (path === '-') {
    return {
      stats,
      target: 'stdout',
      async write(batch) {
        if (!process.stdout.write(render(batch))) await new Promise((r) => process.stdout.once('drain', r));
      },
      async close() {},
    };
  }

  let handle: Awaited<ReturnType<typeof open>>;
  try {
    await mkdir(dirname(path), { recursive: true });
    handle = await open(path, 'a');
  } catch (error) {
    throw new AccessLakeError(
      `--output: cannot open ${path} for appending (${(error as NodeJS.ErrnoException).code ?? 'error'}): choose a writable path`,
      { cause: error },
    );
  }
  return {
    stats,
    target: path,
    async write(batch) {
      // One write per batch: with O_APPEND each lands whole at the end of the file.
      await handle.write(render(batch));
    },
    async close() {
      await handle.close();
    },
  };
}
