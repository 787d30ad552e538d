/**
 * `accesslake gen`: realistic nginx traffic for demos, tests and dashboards. It writes an access log in
 * any format the ingest reads (json, combined, main, or an nginx log_format string), or drives real
 * HTTP requests at a server. Every run is bounded by a duration or a line count.
 *
 * @example
 * const result = await generate(resolveGenOptions({ output: 'access.log', count: '1000', start: 'now-1h' }));
 */
import { createGenerator } from './generator.ts';
import { compileLogFormat } from './log-format.ts';
import type { GenOptions } from './options.ts';
import { runGenerator } from './run.ts';
import { createHttpSink } from './sinks/http.ts';
import { createLogFileSink } from './sinks/log-file.ts';
import type { Sink } from './sinks/types.ts';
import type { GenStats } from './stats.ts';
import { KNOWN_VARIABLES } from './variables.ts';

export type { GeneratedRequest, Generator } from './generator.ts';
export { createGenerator } from './generator.ts';
export { ACCESSLAKE_JSON_FORMAT, COMBINED_FORMAT, compileLogFormat, MAIN_FORMAT } from './log-format.ts';
export { GEN_SETTINGS, type GenOptions, resolveGenOptions } from './options.ts';
export { formatClasses, type GenStats } from './stats.ts';
export { KNOWN_VARIABLES } from './variables.ts';

export interface GenResult {
  stats: GenStats;
  target: string;
  elapsedMs: number;
}

/** Runs one bounded generation; resolves when the limit is reached or `signal` aborts. */
export async function generate(options: GenOptions, signal?: AbortSignal): Promise<GenResult> {
  // Compile first, so a bad --format fails before a file is created.
  const format = compileLogFormat(options.format, KNOWN_VARIABLES);
  const startedAt = Date.now();
  const start = options.start ?? startedAt;
  const generator = createGenerator({ seed: options.seed, rate: options.rate, start, host: options.host });
  const sink: Sink =
    options.url !== undefined
      ? createHttpSink({ url: options.url, concurrency: options.concurrency })
      : await createLogFileSink({ generator, format, path: options.output ?? '-' });
  await runGenerator({
    generator,
    sink,
    start,
    durationMs: options.durationMs,
    realtime: options.start === undefined,
    ...(options.maxLines === undefined ? {} : { maxLines: options.maxLines }),
    ...(signal ? { signal } : {}),
  });
  return { stats: sink.stats, target: sink.target, elapsedMs: Date.now() - startedAt };
}
