/**
 * The Dockerfile cannot be built here (no Docker engine), so it is checked statically and its command
 * is run for real: stages and non-root user, COPY sources that exist and survive .dockerignore, every
 * source file and package the CLI loads present in the image (production dependencies only), the
 * ENTRYPOINT/CMD and ENV matching `accesslake serve`, and the HEALTHCHECK passing against that server.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/index.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

interface Instruction {
  op: string;
  args: string;
  stage: number;
}

function parseDockerfile(text: string): Instruction[] {
  const logical = text.replace(/\\\n/g, ' ').split('\n');
  const out: Instruction[] = [];
  let stage = -1;
  for (const line of logical) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m || line.trim().startsWith('#')) continue;
    if (m[1] === 'FROM') stage++;
    out.push({ op: m[1]!, args: m[2]!.trim(), stage });
  }
  return out;
}
const instructions = parseDockerfile(dockerfile);
const finalStage = Math.max(...instructions.map((i) => i.stage));
const inFinal = (op: string) => instructions.filter((i) => i.op === op && i.stage === finalStage);
const jsonArgs = (i: Instruction | undefined) => JSON.parse(i?.args ?? 'null') as string[];

/** .dockerignore semantics for the patterns used: a path, its subtree, or `*.ext`. */
function ignored(path: string): boolean {
  return ignore.some((p) =>
    p.startsWith('*.') ? path.endsWith(p.slice(1)) : path === p || path.startsWith(`${p}/`),
  );
}

/** Local files and packages the CLI can load: everything reachable from bin/accesslake.mjs. */
async function cliGraph(): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['bin/accesslake.mjs'],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
    outdir: 'out',
  });
  const files = Object.keys(result.metafile.inputs);
  const packages = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (!imported.external || imported.path.startsWith('node:')) continue;
      const parts = imported.path.split('/');
      packages.add(imported.path.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
    }
  }
  return { files, packages: [...packages].sort() };
}

describe('Dockerfile', () => {
  it('is multi-stage, pinned to Node 22, and runs as a non-root user', () => {
    const froms = instructions.filter((i) => i.op === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f.args).toMatch(/^node:22[\w.-]*\s+AS\s+\w+$/);
    const user = inFinal('USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
  });

  it('copies only files that exist, from stages that exist, and that .dockerignore keeps', () => {
    const stageNames = instructions.filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+AS\s+/)[1]);
    for (const copy of instructions.filter((i) => i.op === 'COPY')) {
      const parts = copy.args.split(/\s+/);
      const from = parts.find((p) => p.startsWith('--from='));
      const sources = parts.filter((p) => !p.startsWith('--')).slice(0, -1);
      if (from) {
        expect(stageNames.slice(0, copy.stage)).toContain(from.slice('--from='.length));
        continue;
      }
      for (const source of sources) {
        if (source === '.') continue;
        expect(existsSync(join(ROOT, source)), source).toBe(true);
        expect(ignored(source), `${source} is excluded by .dockerignore`).toBe(false);
      }
    }
    // The context never carries local state or secrets.
    for (const path of ['node_modules', '.git', '.env', 'lake', 'dist'])
      expect(ignored(path), path).toBe(true);
  });

  it('ships every source file the CLI loads and installs every package it imports as a production dependency', async () => {
    const { files, packages } = await cliGraph();
    expect(files).toContain('cli/commands/serve.ts');
    for (const file of files) expect(ignored(file), `${file} would be missing from the image`).toBe(false);
    // The image installs with --omit=dev: a devDependency the CLI imports would crash it at start.
    for (const name of packages)
      expect(pkg.dependencies, `${name} must be in "dependencies"`).toHaveProperty(name);
    expect(instructions.some((i) => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args))).toBe(true);
  });

  it('runs `accesslake serve` with ENV names that serve documents', () => {
    const command = [...jsonArgs(inFinal('ENTRYPOINT').at(-1)), ...jsonArgs(inFinal('CMD').at(-1))];
    expect(command).toEqual(['node', 'bin/accesslake.mjs', 'serve']);
    const help = spawnSync(process.execPath, ['bin/accesslake.mjs', 'serve', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(help.status).toBe(0);
    const envNames = inFinal('ENV').flatMap((i) => [...i.args.matchAll(/([A-Z_]+)=/g)].map((m) => m[1]!));
    for (const name of envNames.filter((n) => n.startsWith('ACCESSLAKE_')))
      expect(help.stdout).toContain(name);
    expect(envNames).toContain('ACCESSLAKE_HOST'); // a container must not listen on 127.0.0.1 only
  });
});

describe('the image command, run for real', () => {
  let dir: string;
  let port: number;
  let child: ReturnType<typeof spawn>;
  const env = () => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    ACCESSLAKE_HOST: '127.0.0.1',
    ACCESSLAKE_PORT: String(port),
    ACCESSLAKE_LAKE: join(dir, 'lake'),
    ACCESSLAKE_TOKENS: 'container-token-0001',
  });
  /** Runs the HEALTHCHECK's CMD with the container's environment; returns its exit status. */
  const healthcheck = () => {
    const args = JSON.parse(inFinal('HEALTHCHECK')[0]!.args.replace(/^.*?\bCMD\s+/, '')) as string[];
    expect(args.join(' ')).toContain('/healthz');
    const [command, ...rest] = args;
    return spawnSync(command === 'node' ? process.execPath : command!, rest, { env: env(), timeout: 10_000 })
      .status;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accesslake-docker-'));
    port = await freePort();
    const [entry, ...rest] = [...jsonArgs(inFinal('ENTRYPOINT').at(-1)), ...jsonArgs(inFinal('CMD').at(-1))];
    child = spawn(entry === 'node' ? process.execPath : entry!, rest, {
      cwd: ROOT,
      env: env(),
      stdio: 'ignore',
    });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (
        await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('accesslake serve did not come up');
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the HEALTHCHECK while serving and stops cleanly on the STOPSIGNAL', async () => {
    expect(healthcheck()).toBe(0);
    const signal = inFinal('STOPSIGNAL')[0]?.args ?? 'SIGTERM';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal as NodeJS.Signals);
    expect(await exited).toBe(0);
    expect(healthcheck()).toBe(1);
  });
});
