/**
 * A real nginx on 127.0.0.1 in a temporary prefix: `daemon off` so the spawned process IS the master
 * (its PID gets SIGUSR1 to reopen logs after a rename rotation and SIGTERM to stop), every path inside the
 * prefix, and `user root` only when we are root so the same config runs on a CI box and a laptop.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.ts';
import { type ManagedProcess, startProcess, waitFor } from './process.ts';

/** `json`: the project's `log_format accesslake_json`; `main`: the classic nginx.conf `main` format. */
export type NginxLogFormat = 'json' | 'main';

/** The format the project ships to users, so the e2e test exercises the real one. */
export const SHIPPED_JSON_FORMAT = resolve(import.meta.dirname, '../nginx/accesslake-json.conf');

/** The `main` format from nginx's default nginx.conf, as users have it in production. */
export const MAIN_LOG_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"';

/** The static file wrk requests: about the size of nginx's welcome page. */
export const STATIC_PATH = '/static/page.html';

export interface StubStatus {
  /** Open client connections, this stub_status request's own included. */
  active: number;
  accepts: number;
  handled: number;
  requests: number;
}

export interface NginxServer {
  url: string;
  port: number;
  prefix: string;
  logDir: string;
  /** The access log the agent tails; rotated copies sit next to it (`access.log.1`, …). */
  accessLog: string;
  process: ManagedProcess;
  /** nginx's own request counter (stub_status). */
  stubStatus(): Promise<StubStatus>;
  /**
   * Requests nginx wrote to the access log, once it is idle: stub_status `requests` minus the
   * stub_status requests themselves (that location has `access_log off`). Waits until no client
   * connection but its own is open: requests wrk sent just before it closed its sockets are still read,
   * answered and logged after wrk has exited.
   */
  loggedRequests(): Promise<number>;
  stop(): Promise<void>;
}

export interface NginxOptions {
  /** An empty folder to use as the prefix. */
  dir: string;
  format: NginxLogFormat;
  workerProcesses?: number;
}

export async function startNginx(options: NginxOptions): Promise<NginxServer> {
  const prefix = options.dir;
  const logDir = join(prefix, 'logs');
  const accessLog = join(logDir, 'access.log');
  for (const sub of ['logs', 'html/static', 'tmp']) await mkdir(join(prefix, sub), { recursive: true });
  // ~600 bytes like the welcome page, so the bytes per line match a typical small static response.
  await writeFile(
    join(prefix, 'html/static/page.html'),
    `<!doctype html><p>${'accesslake '.repeat(52)}</p>\n`,
  );

  const port = await freePort();
  const confPath = join(prefix, 'nginx.conf');
  await writeFile(
    confPath,
    nginxConf({ prefix, port, accessLog, format: options.format, workers: options.workerProcesses ?? 2 }),
  );

  const errorLog = join(logDir, 'error.log');
  // -e: nginx opens its compiled-in error log (/var/log/nginx) before reading the config otherwise.
  const proc = startProcess('nginx', 'nginx', ['-p', prefix, '-e', errorLog, '-c', confPath], {
    logFile: join(prefix, 'nginx.out'),
  });
  const url = `http://127.0.0.1:${port}`;
  let stubCalls = 0;
  const stubStatus = async (): Promise<StubStatus> => {
    const res = await fetch(`${url}/nginx_status`);
    // Counted once nginx answered: a refused connection while it starts is no request.
    stubCalls++;
    const text = await res.text();
    const m = /Active connections:\s*(\d+)\s+server accepts handled requests\s+(\d+)\s+(\d+)\s+(\d+)/.exec(
      text,
    );
    if (!m) throw new Error(`unexpected stub_status answer: ${text}`);
    return { active: Number(m[1]), accepts: Number(m[2]), handled: Number(m[3]), requests: Number(m[4]) };
  };
  try {
    await waitFor(
      'nginx to answer',
      async () => {
        if (!proc.isRunning()) throw new Error(`nginx exited: ${proc.outputTail()}`);
        return (await stubStatus()).requests >= 0 ? true : undefined;
      },
      { timeoutMs: 10_000 },
    );
  } catch (error) {
    await proc.stop();
    throw error;
  }

  return {
    url,
    port,
    prefix,
    logDir,
    accessLog,
    process: proc,
    stubStatus,
    async loggedRequests() {
      const { requests } = await waitFor(
        'nginx to finish its open connections',
        async () => {
          const status = await stubStatus();
          return status.active <= 1 ? status : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      return requests - stubCalls;
    },
    stop: () => proc.stop(),
  };
}

function nginxConf(o: {
  prefix: string;
  port: number;
  accessLog: string;
  format: NginxLogFormat;
  workers: number;
}) {
  const runAsRoot = process.getuid?.() === 0;
  const formatDef =
    o.format === 'json' ? `include ${jsonFormatFile()};` : `log_format main '${MAIN_LOG_FORMAT}';`;
  const formatName = o.format === 'json' ? 'accesslake_json' : 'main';
  return `# generated by harness/nginx.ts
daemon off;
master_process on;
worker_processes ${o.workers};
pid ${o.prefix}/nginx.pid;
error_log ${o.prefix}/logs/error.log warn;
${runAsRoot ? 'user root;' : ''}
events { worker_connections 1024; }
http {
  client_body_temp_path ${o.prefix}/tmp/body;
  proxy_temp_path ${o.prefix}/tmp/proxy;
  fastcgi_temp_path ${o.prefix}/tmp/fastcgi;
  uwsgi_temp_path ${o.prefix}/tmp/uwsgi;
  scgi_temp_path ${o.prefix}/tmp/scgi;
  default_type text/html;
  ${formatDef}
  server {
    listen 127.0.0.1:${o.port};
    root ${o.prefix}/html;
    access_log ${o.accessLog} ${formatName};
    location /static/ { }
    location = /nginx_status { stub_status; access_log off; }
  }
}
`;
}

function jsonFormatFile(): string {
  if (!existsSync(SHIPPED_JSON_FORMAT)) throw new Error(`${SHIPPED_JSON_FORMAT} is missing`);
  return SHIPPED_JSON_FORMAT;
}
