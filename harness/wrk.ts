/**
 * wrk as a real load generator, bounded by `-d`. With `uniquePaths` every request gets its own query
 * string (`?r=<thread>-<n>`), so each log line is unique and a missing or duplicated record in the lake
 * is visible as such rather than hidden among identical lines.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startProcess } from './process.ts';

export interface WrkOptions {
  url: string;
  threads?: number;
  connections?: number;
  durationSeconds: number;
  /** Folder for the Lua script and wrk's output. */
  dir: string;
  uniquePaths?: boolean;
}

export interface WrkResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  non2xx3xx: number;
  /** wrk's whole report, for failure messages and the benchmark notes. */
  output: string;
}

// setup() runs in the main Lua state once per thread; init() runs inside each thread's own state.
const UNIQUE_PATHS_LUA = `local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end
function init(args)
  tid = wrk.thread:get("tid")
  counter = 0
  base = wrk.path
end
function request()
  counter = counter + 1
  return wrk.format("GET", base .. "?r=" .. tid .. "-" .. counter)
end
`;

/** Runs wrk to completion; never longer than its duration plus a margin (then it is killed). */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const args = [
    `-t${options.threads ?? 4}`,
    `-c${options.connections ?? 100}`,
    `-d${options.durationSeconds}s`,
  ];
  if (options.uniquePaths) {
    const script = join(options.dir, 'unique-paths.lua');
    await writeFile(script, UNIQUE_PATHS_LUA);
    args.push('-s', script);
  }
  args.push(options.url);
  const logFile = join(options.dir, `wrk-${Date.now()}.out`);
  const proc = startProcess('wrk', 'wrk', args, { logFile });
  const guard = setTimeout(() => void proc.kill9(), (options.durationSeconds + 30) * 1000);
  const code = await proc.exited;
  clearTimeout(guard);
  await proc.stop();
  const output = proc.outputTail(20_000);
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${output}`);
  return parseWrkOutput(output);
}

/** Parses wrk 4's text report. */
export function parseWrkOutput(output: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(ms|s|m)/.exec(output);
  if (!total) throw new Error(`cannot read wrk's report:\n${output}`);
  const unit = total[3] === 'ms' ? 0.001 : total[3] === 'm' ? 60 : 1;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  return {
    requests: Number(total[1]),
    durationSeconds: Number(total[2]) * unit,
    requestsPerSecond: rps ? Number(rps[1]) : 0,
    socketErrors: {
      connect: Number(socket?.[1] ?? 0),
      read: Number(socket?.[2] ?? 0),
      write: Number(socket?.[3] ?? 0),
      timeout: Number(socket?.[4] ?? 0),
    },
    non2xx3xx: Number(non2xx?.[1] ?? 0),
    output,
  };
}

/** Socket errors plus non-2xx/3xx answers: what a user of the site would have noticed. */
export function wrkErrorCount(result: WrkResult): number {
  const s = result.socketErrors;
  return s.connect + s.read + s.write + s.timeout + result.non2xx3xx;
}
