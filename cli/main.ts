/**
 * `accesslake <command>`: one binary for every part. Each command lives in cli/commands/<name>.ts and
 * exports `run(argv, env)`, loaded only when called so `accesslake agent` never loads DuckDB or the AWS SDK.
 */
import { readFileSync } from 'node:fs';
import { AccessLakeError, describeError } from '../lib/errors/index.ts';
import type { CommandRunner } from './args.ts';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: CommandRunner }> }> = {
  serve: { summary: 'run the ingest HTTP server', load: () => import('./commands/serve.ts') },
  agent: {
    summary: 'tail nginx access logs and ship them to ingest',
    load: () => import('./commands/agent.ts'),
  },
  gen: {
    summary: 'generate realistic nginx traffic: a log file or real requests',
    load: () => import('./commands/gen.ts'),
  },
  up: {
    summary: 'run ingest, a traffic generator and the agent locally, with a live summary (npm start)',
    load: () => import('./commands/up.ts'),
  },
  query: {
    summary: 'run SQL or a named query on DuckDB or Athena',
    load: () => import('./commands/query.ts'),
  },
  compact: {
    summary: 'rewrite closed hours of the lake into Parquet, one object per hour, exactly',
    load: () => import('./commands/compact.ts'),
  },
  dashboard: {
    summary: 'serve a web page of charts over the local lake (the Grafana panels, on DuckDB)',
    load: () => import('./commands/dashboard.ts'),
  },
  provision: {
    summary: 'create the Glue database, crawler or table, Athena workgroup and named queries',
    load: () => import('./commands/provision.ts'),
  },
  rejects: {
    summary: 'list rejected lines by reason, or replay them with a corrected --format',
    load: () => import('./commands/rejects.ts'),
  },
  report: {
    summary: 'write a weekly/monthly/quarterly report as Parquet, CSV.gz and a summary, optionally mailed',
    load: () => import('./commands/report.ts'),
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: accesslake <command> [options]\n       accesslake --version\n\ncommands:\n${lines.join('\n')}\n\nRun "accesslake <command> --help" for a command's options.`;
}

/** The version in package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * `accesslake … | head`: once the reader has gone, stop quietly as a Unix tool does on SIGPIPE (which
 * Node ignores, turning it into an EPIPE error on stdout), instead of a stack trace.
 */
export function exitQuietlyOnBrokenPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

export async function main(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`accesslake ${version()}`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`accesslake: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  try {
    const { run } = await command.load();
    return await run(rest, env);
  } catch (error) {
    // Expected failures (bad flags, busy port, unreachable endpoint) get one clear line, no stack.
    if (error instanceof AccessLakeError) console.error(`accesslake ${name}: ${describeError(error)}`);
    else console.error(`accesslake ${name}: unexpected error`, error);
    return 1;
  }
}
