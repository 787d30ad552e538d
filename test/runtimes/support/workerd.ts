/**
 * Runs the Workers entry in workerd, offline, the way `wrangler deploy` would ship it: bundled with
 * esbuild using wrangler's resolution (conditions workerd/worker/browser, node: builtins left to
 * nodejs_compat), with compatibility_date, compatibility_flags and [vars] read from
 * runtimes/workerd/wrangler.toml, so the test runs what the toml deploys. Bindings given here override
 * the toml's vars (test storage, secrets).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { parse } from 'smol-toml';
import { freePort } from '../../../harness/index.ts';
import { type RunningRuntime, spawnRuntime } from './process.ts';

export const REPO_ROOT = new URL('../../../', import.meta.url).pathname;
const WORKERD_DIR = join(REPO_ROOT, 'runtimes/workerd');
const WORKERD_BIN = join(REPO_ROOT, 'node_modules/.bin/workerd');

export interface WranglerConfig {
  main: string;
  compatibility_date: string;
  compatibility_flags: string[];
  vars: Record<string, string>;
}

export async function readWranglerToml(): Promise<WranglerConfig> {
  const toml = parse(await readFile(join(WORKERD_DIR, 'wrangler.toml'), 'utf8')) as Record<string, unknown>;
  return {
    main: String(toml.main),
    compatibility_date: String(toml.compatibility_date),
    compatibility_flags: (toml.compatibility_flags as string[] | undefined) ?? [],
    vars: Object.fromEntries(
      Object.entries((toml.vars as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]),
    ),
  };
}

/** Bundles `entry` into `outDir`; returns module file names, the main module first. */
export async function bundleWorker(entry: string, outDir: string, splitting = false): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: { worker: entry },
    outdir: outDir,
    bundle: true,
    splitting,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    external: ['node:*', 'cloudflare:*'],
    target: 'es2022',
    metafile: true,
    logLevel: 'warning',
  });
  const files = Object.keys(result.metafile.outputs)
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(f.lastIndexOf('/') + 1));
  return ['worker.js', ...files.filter((f) => f !== 'worker.js')];
}

const capnpString = (s: string) => JSON.stringify(s);

/** A workerd config: one worker on 127.0.0.1:`port`, outbound network limited to what `allow` names. */
export function workerdConfig(options: {
  modules: string[];
  port: number;
  compatibilityDate: string;
  compatibilityFlags: string[];
  bindings: Record<string, string>;
}): string {
  const modules = options.modules.map(
    (m) => `(name = ${capnpString(m)}, esModule = embed ${capnpString(m)})`,
  );
  const bindings = Object.entries(options.bindings).map(
    ([name, text]) => `(name = ${capnpString(name)}, text = ${capnpString(text)})`,
  );
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .ingest),
    # moto_server listens on loopback, which the default "internet" service refuses.
    (name = "loopback", network = (allow = ["local", "private"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${options.port}", http = (), service = "main") ],
);
const ingest :Workerd.Worker = (
  modules = [ ${modules.join(', ')} ],
  compatibilityDate = ${capnpString(options.compatibilityDate)},
  compatibilityFlags = [ ${options.compatibilityFlags.map(capnpString).join(', ')} ],
  bindings = [ ${bindings.join(', ')} ],
  globalOutbound = "loopback",
);
`;
}

/** Bundles and starts a worker in workerd; `workDir` receives the bundle and the config. */
export async function startWorkerd(options: {
  name: string;
  workDir: string;
  entry?: string;
  bindings: Record<string, string>;
  /** Override the toml's flags (the codec probe runs with and without nodejs_compat). */
  compatibilityFlags?: string[];
  splitting?: boolean;
}): Promise<RunningRuntime> {
  const toml = await readWranglerToml();
  const modules = await bundleWorker(
    options.entry ?? join('runtimes/workerd', toml.main),
    options.workDir,
    options.splitting,
  );
  const port = await freePort();
  await writeFile(
    join(options.workDir, 'config.capnp'),
    workerdConfig({
      modules,
      port,
      compatibilityDate: toml.compatibility_date,
      compatibilityFlags: options.compatibilityFlags ?? toml.compatibility_flags,
      bindings: { ...toml.vars, ...options.bindings },
    }),
  );
  return spawnRuntime({
    name: options.name,
    command: WORKERD_BIN,
    args: ['serve', 'config.capnp'],
    cwd: options.workDir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    url: `http://127.0.0.1:${port}`,
  });
}
