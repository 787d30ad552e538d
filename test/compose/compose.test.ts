import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVE_SETTINGS } from '../../cli/options/serve.ts';
import { resolveLineParser } from '../../formats/index.ts';
import { readNginxConf } from '../../formats/nginx-conf/index.ts';
import { resolveGenOptions } from '../../gen/index.ts';
import { ACCESSLAKE_JSON_FORMAT } from '../../gen/log-format.ts';
import { ATHENA_PLUGIN_ID } from '../../grafana/dashboard.ts';
import { resolveIngestConfig } from '../../ingest/config.ts';
import { resolveAgentConfig } from '../../shipper-agent/index.ts';
import {
  flagValue,
  interpolate,
  loadCompose,
  readEnvFile,
  referencedVariables,
  type Service,
} from './compose-file.ts';

const root = new URL('../../', import.meta.url).pathname;
const composeText = readFileSync(`${root}docker-compose.yml`, 'utf8');
const envExample = readEnvFile(`${root}.env.example`);
const compose = loadCompose(`${root}docker-compose.yml`, envExample);
const services = compose.services;
const BIN = `${root}bin/accesslake.mjs`;

const args = (s: Service): string[] => (Array.isArray(s.command) ? s.command : []);
/** `host:container` bind mounts of files or folders from the repository. */
const bindMounts = (s: Service) =>
  (s.volumes ?? [])
    .filter((v) => v.startsWith('./'))
    .map((v) => {
      const [host, container] = v.split(':');
      return { host: host!, container: container! };
    });
const namedMounts = (s: Service) =>
  (s.volumes ?? [])
    .filter((v) => !v.startsWith('./') && !v.startsWith('/'))
    .map((v) => {
      const [volume, container] = v.split(':');
      return { volume: volume!, container: container! };
    });

/** Runs the real CLI with the service's arguments plus --help: exit 0 only if every flag is known. */
function acceptsFlags(command: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...command, '--help'], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env },
  });
}

describe('docker-compose.yml', () => {
  it('parses and has every part of the demo', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['agent', 'grafana', 'ingest', 'minio', 'minio-init', 'nginx', 'traffic'].sort(),
    );
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) {
        expect(service.image, name).toBe('accesslake:local');
        continue;
      }
      expect(service.image, name).toMatch(/^[\w./-]+:[\w.-]*\d[\w.-]*$/);
      expect(service.image, name).not.toMatch(/:latest$/);
    }
  });

  it('builds accesslake from the repository Dockerfile', () => {
    const built = Object.entries(services).filter(([, s]) => s.build);
    expect(built.map(([n]) => n).sort()).toEqual(['agent', 'ingest', 'traffic']);
    for (const [, service] of built) {
      const context = typeof service.build === 'string' ? service.build : service.build!.context;
      expect(statSync(`${root}${context}`).isDirectory()).toBe(true);
      const dockerfile =
        typeof service.build === 'string' ? 'Dockerfile' : (service.build!.dockerfile ?? 'Dockerfile');
      expect(existsSync(`${root}${context}/${dockerfile}`), `${context}/${dockerfile}`).toBe(true);
    }
  });

  it('mounts only files and folders that exist in the repository', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const { host } of bindMounts(service))
        expect(existsSync(`${root}${host}`), `${name}: ${host}`).toBe(true);
      for (const { volume } of namedMounts(service))
        expect(compose.volumes, `${name}: ${volume}`).toHaveProperty(volume);
    }
  });

  it('gives long-running services a healthcheck and starts them in order', () => {
    for (const [name, service] of Object.entries(services)) {
      const oneShot = service.restart === 'no';
      if (!oneShot) expect(service.healthcheck?.test, name).toBeDefined();
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services, `${name} → ${dependency}`).toHaveProperty(dependency);
        const target = services[dependency]!;
        const expected =
          target.restart === 'no' && !target.healthcheck ? 'service_completed_successfully' : undefined;
        if (expected) expect(condition, `${name} → ${dependency}`).toBe(expected);
        else expect(['service_healthy', 'service_started'], `${name} → ${dependency}`).toContain(condition);
      }
    }
    // The image's own HEALTHCHECK probes ingest's port: every other service built from it overrides it.
    for (const [name, service] of Object.entries(services)) {
      if (service.build && name !== 'ingest') expect(service.healthcheck, name).toBeDefined();
    }
    expect(services.ingest!.depends_on?.['minio-init']?.condition).toBe('service_completed_successfully');
    expect(services.agent!.depends_on?.ingest?.condition).toBe('service_healthy');
    expect(services.agent!.depends_on?.nginx?.condition).toBe('service_healthy');
    expect(services.traffic!.depends_on?.nginx?.condition).toBe('service_healthy');
  });

  it('publishes ports on 127.0.0.1 only', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });

  it('takes every secret from .env, documented in .env.example, and keeps .env out of git', () => {
    const variables = referencedVariables(composeText);
    for (const [name, kind] of variables) {
      if (kind !== 'default') expect(envExample, `${name} is used without a default`).toHaveProperty(name);
    }
    for (const secret of ['ACCESSLAKE_TOKEN', 'MINIO_ROOT_PASSWORD', 'GRAFANA_ADMIN_PASSWORD'])
      expect(variables.get(secret), secret).toBe('required');
    expect(() => loadCompose(`${root}docker-compose.yml`, {})).toThrow(
      /set \w+ in \.env \(see \.env\.example\)/,
    );
    expect(readFileSync(`${root}.gitignore`, 'utf8').split('\n')).toContain('.env');
    // Secrets are references, never values written in the file.
    const raw = parse(composeText, { merge: true }) as { services: Record<string, Service> };
    for (const [name, service] of Object.entries(raw.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|SECRET|TOKEN|ACCESS_KEY/.test(key))
          expect(String(value), `${name}.${key}`).toMatch(/^\$\{[A-Z_]+(:[-?][^}]*)?\}$/);
      }
    }
  });
});

describe('docker-compose.yml agrees with the CLI and the configs it mounts', () => {
  it('configures ingest through the env names `accesslake serve` reads', () => {
    const ingest = services.ingest!;
    const env = ingest.environment!;
    const config = resolveIngestConfig({}, env);
    expect(config.tokens).toEqual([envExample.ACCESSLAKE_TOKEN]);
    expect(config.storage).toBe(`s3://${envExample.ACCESSLAKE_BUCKET}/`);
    expect(config.s3Endpoint).toBe('http://minio:9000');
    // Every ACCESSLAKE_ variable compose sets is one serve's settings table reads (ingest/settings.ts).
    const serveVariables = Object.values(SERVE_SETTINGS).flatMap((row) => ('env' in row ? row.env : []));
    for (const key of Object.keys(env).filter((k) => k.startsWith('ACCESSLAKE_')))
      expect(serveVariables, key).toContain(key);
    // The published port, the container port and the port ingest listens on are one port.
    const [, published, container] = ingest.ports![0]!.split(':');
    expect(container).toBe(env.ACCESSLAKE_PORT);
    expect(published).toBe(env.ACCESSLAKE_PORT);
    expect(acceptsFlags(args(ingest), env).status).toBe(0);
  });

  it('passes ingest only ACCESSLAKE_ variables that change what `accesslake serve` does', () => {
    const env = services.ingest!.environment!;
    const keys = Object.keys(env).filter((k) => k.startsWith('ACCESSLAKE_'));
    expect(keys.length).toBeGreaterThan(0);
    const base = resolveIngestConfig({}, env);
    for (const key of keys) {
      const { [key]: _dropped, ...without } = env;
      let read: boolean;
      try {
        read = !isDeepStrictEqual(resolveIngestConfig({}, without), base);
      } catch {
        read = true; // a required setting gone is refused: it is read
      }
      if (read) continue;
      // Not part of the ingest config, so serve itself must read it (host, port): a bad value stops it,
      // naming the value. A variable nothing reads would start the server and be killed by the timeout.
      const bad = 'no-such-value.invalid';
      const result = spawnSync(process.execPath, [BIN, 'serve'], {
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, ...env, ACCESSLAKE_LAKE: 'memory://', ACCESSLAKE_PORT: '0', [key]: bad },
      });
      expect(result.status, key).toBe(1);
      expect(result.stderr, key).toContain(bad);
    }
  });

  it('creates the bucket ingest writes to', () => {
    const init = services['minio-init']!;
    expect(String(init.command)).toContain('mc mb --ignore-existing "local/$ACCESSLAKE_BUCKET"');
    expect(init.environment!.ACCESSLAKE_BUCKET).toBe(
      new URL(services.ingest!.environment!.ACCESSLAKE_LAKE!).host,
    );
  });

  it('has nginx write the accesslake JSON format to a real file on the volume the agent tails', async () => {
    const nginx = services.nginx!;
    const mounts = bindMounts(nginx);
    const confMount = mounts.find((m) => m.container === '/etc/nginx/nginx.conf')!;
    expect(mounts.find((m) => m.container === '/etc/nginx/accesslake-json.conf')?.host).toBe(
      './nginx/accesslake-json.conf',
    );
    // The include is absolute (/etc/nginx/accesslake-json.conf, as mounted): point it at the repository copy.
    const dir = mkdtempSync(join(tmpdir(), 'accesslake-compose-'));
    const copy = join(dir, 'nginx.conf');
    writeFileSync(
      copy,
      readFileSync(`${root}${confMount.host}`, 'utf8').replace(
        '/etc/nginx/accesslake-json.conf',
        `${root}nginx/accesslake-json.conf`,
      ),
    );
    const conf = await readNginxConf(copy).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(conf.accessLogs).toHaveLength(1);
    const logPath = conf.accessLogs[0]!.path;
    expect(logPath).toBe('/var/log/accesslake/access.log');
    expect(conf.accessLogs[0]!.format).toBe('accesslake_json');
    expect(conf.formats.get('accesslake_json')?.format).toBe(ACCESSLAKE_JSON_FORMAT);
    expect(conf.formats.get('accesslake_json')?.escape).toBe('json');

    const logVolume = namedMounts(nginx).find((m) => logPath!.startsWith(`${m.container}/`))!;
    expect(logVolume).toBeDefined();
    const agent = services.agent!;
    const agentMount = namedMounts(agent).find((m) => m.volume === logVolume.volume)!;
    expect(agentMount.container).toBe(logVolume.container);
    expect(flagValue(args(agent), '--file')).toBe(logPath);
    // The agent's --format names the parser that reads the accesslake_json lines.
    expect(flagValue(args(agent), '--format')).toBe('json');
    expect(resolveLineParser('json').name).toBe('json');
  });

  it('points the agent at ingest and the generator at nginx on the ports they listen on', () => {
    const agent = services.agent!;
    const endpoint = new URL(flagValue(args(agent), '--endpoint')!);
    expect(endpoint.hostname).toBe('ingest');
    expect(endpoint.port).toBe(services.ingest!.environment!.ACCESSLAKE_PORT);
    expect(agent.environment!.ACCESSLAKE_TOKEN).toBe(services.ingest!.environment!.ACCESSLAKE_TOKENS);

    const traffic = services.traffic!;
    const url = new URL(flagValue(args(traffic), '--url')!);
    expect(url.hostname).toBe('nginx');
    const listen = /^\s*listen\s+(\d+)\s+default_server;/m.exec(
      readFileSync(`${root}nginx/nginx.conf`, 'utf8'),
    )?.[1];
    expect(url.port || '80').toBe(listen);
    expect(services.nginx!.ports![0]!.endsWith(`:${listen}`)).toBe(true);
  });

  it('runs the generator with flags and values `accesslake gen` accepts, bounded', () => {
    const command = args(services.traffic!);
    expect(command[0]).toBe('gen');
    expect(acceptsFlags(command).status).toBe(0);
    const options = resolveGenOptions({
      url: flagValue(command, '--url'),
      rate: flagValue(command, '--rate'),
      duration: flagValue(command, '--duration'),
    });
    expect(options.durationMs).toBeLessThanOrEqual(24 * 3_600_000);
  });

  it('configures the agent through the flags and env names `accesslake agent` reads', async () => {
    const agent = services.agent!;
    const command = args(agent);
    const config = await resolveAgentConfig(
      {
        file: [flagValue(command, '--file')!],
        endpoint: flagValue(command, '--endpoint'),
        format: flagValue(command, '--format'),
        'state-dir': flagValue(command, '--state-dir'),
        'batch-age': flagValue(command, '--batch-age'),
        source: flagValue(command, '--source'),
      },
      agent.environment!,
    );
    expect(config.options.token).toBe(envExample.ACCESSLAKE_TOKEN);
    expect(config.options.endpoint).toBe('http://ingest:8080');
    expect(config.options.batchAgeMs).toBe(5000);
    // The six flags above are the whole command line: none escaped this check.
    expect(command.filter((a) => a.startsWith('--')).length).toBe(6);
  });

  it('runs the agent with flags `accesslake agent` accepts', () => {
    const command = args(services.agent!);
    const result = acceptsFlags(command, services.agent!.environment);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const status = services.agent!.healthcheck!.test!.slice(1);
    expect(status.slice(0, 2)).toEqual(['node', 'bin/accesslake.mjs']);
    expect(acceptsFlags(status.slice(2)).status).toBe(0);
    expect(flagValue(status, '--state-dir')).toBe(flagValue(command, '--state-dir'));
  });

  it('provisions Grafana with the Athena plugin, the datasource and the dashboards folder', () => {
    const grafana = services.grafana!;
    expect(grafana.environment!.GF_INSTALL_PLUGINS).toMatch(
      new RegExp(`^${ATHENA_PLUGIN_ID} \\d+\\.\\d+\\.\\d+$`),
    );
    const mounts = bindMounts(grafana);
    expect(mounts).toContainEqual({ host: './grafana/provisioning', container: '/etc/grafana/provisioning' });
    const provider = parse(
      readFileSync(`${root}grafana/provisioning/dashboards/accesslake.yaml`, 'utf8'),
    ) as {
      providers: { options: { path: string } }[];
    };
    expect(mounts).toContainEqual({
      host: './grafana/dashboards',
      container: provider.providers[0]!.options.path,
    });
    // Every ${VAR} the datasource file reads is set in Grafana's environment.
    const datasource = readFileSync(`${root}grafana/provisioning/datasources/athena.yaml`, 'utf8')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    for (const name of referencedVariables(datasource).keys())
      expect(grafana.environment, name).toHaveProperty(name);
    expect(existsSync(`${root}grafana/dashboards/accesslake.json`)).toBe(true);
    expect(grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(
      `${provider.providers[0]!.options.path}/accesslake.json`,
    );
  });

  it('interpolates like Compose: defaults, required variables and $$', () => {
    const $ = (name: string) => `\${${name}}`;
    expect(interpolate(`${$('A:-x')} ${$('B:-y')} $$HOME ${$('A')}`, { A: 'a' })).toBe('a y $HOME a');
    expect(() => interpolate($('A:?set A'), {})).toThrow('A: set A');
  });
});
