/**
 * The report mail against a REAL SMTP server: `smtp-server` listening on 127.0.0.1 (a free port), each
 * message parsed back with `mailparser`. Settings come from the environment as the CLI reads them.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { freePort } from '../../harness/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import { resolveReportConfig } from '../../reports/config.ts';
import { resolveEmailConfig } from '../../reports/email/config.ts';
import { createMailer } from '../../reports/email/send.ts';
import { ReportEmailError } from '../../reports/errors.ts';
import { runReportFromConfig } from '../../reports/from-config.ts';
import { createLinkMaker } from '../../reports/output/links.ts';
import { headline } from '../../reports/output/summary.ts';
import { resolvePeriod } from '../../reports/period/resolve-period.ts';
import { runReport } from '../../reports/run-report.ts';
import { createStorage } from '../../storage/index.ts';
import { generateRecords, inRange, writeLake } from './helpers/traffic.ts';

const openDuckDb = (lake: string) => createDuckDbEngine({ lake });

interface Received {
  mail: ParsedMail;
  from: string;
  to: string[];
  user: string | undefined;
}

interface Sink {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

/** A local SMTP server that keeps what it receives; with `login`, it insists on AUTH with those credentials. */
async function startSink(login?: { user: string; password: string }): Promise<Sink> {
  const received: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    // No TLS on loopback: no certificate to fake. AUTH only when the test wants it.
    disabledCommands: login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !login,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.password) {
        callback(null, { user: auth.username });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            mail,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let dir: string;
let lake: string;
const sinks: Sink[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accesslake-report-mail-'));
  lake = join(dir, 'lake');
  await writeLake(lake, generateRecords(300, '2025-01-06T00:00:00.000Z', '2025-01-13T00:00:00.000Z', 7));
});
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sink(login?: { user: string; password: string }) {
  const s = await startSink(login);
  sinks.push(s);
  return s;
}

const mailEnv = (port: number, extra: Record<string, string> = {}) => ({
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(port),
  REPORT_FROM: 'accesslake reports <reports@example.test>',
  REPORT_TO: 'ops@example.test, lead@example.test',
  REPORT_REPLY_TO: 'noc@example.test',
  ...extra,
});

describe('report mail', () => {
  it('mails the summary with links to the files, logged in, to every recipient', async () => {
    const server = await sink({ user: 'mailer', password: 's3cret pass' });
    const env = mailEnv(server.port, { SMTP_USER: 'mailer', SMTP_PASSWORD: 's3cret pass' });
    const config = resolveReportConfig({ period: 'weekly', 'as-of': '2025-01-15', lake, email: true }, env);
    const outcome = await runReportFromConfig(config, { openDuckDb });

    expect(server.received).toHaveLength(1);
    const [{ mail, from, to, user }] = server.received as [Received];
    expect(user).toBe('mailer');
    expect(from).toBe('reports@example.test');
    expect(to).toEqual(['ops@example.test', 'lead@example.test']);
    expect(outcome.email?.accepted).toEqual(['ops@example.test', 'lead@example.test']);

    const requests = inRange(
      generateRecords(300, '2025-01-06T00:00:00.000Z', '2025-01-13T00:00:00.000Z', 7),
      '2025-01-06T00:00:00.000Z',
      '2025-01-13T00:00:00.000Z',
    ).length;
    expect(mail.subject).toBe(`accesslake weekly report 2025-W02: ${headline(outcome.report)}`);
    expect(mail.subject).toMatch(
      new RegExp(
        `: 2025-01-06 – 2025-01-12 \\(UTC\\): ${requests} requests, [\\d.]+% 5xx, p95 [\\d.]+ (ms|s)$`,
      ),
    );
    expect(mail.from?.value).toEqual([{ address: 'reports@example.test', name: 'accesslake reports' }]);
    expect(mail.replyTo?.value).toEqual([{ address: 'noc@example.test', name: '' }]);
    // The text part is the Markdown summary, the HTML part its HTML twin; both link the files.
    expect(mail.text).toContain('## Top 10 paths');
    expect(mail.text).toContain(`- CSV (gzip): ${join(lake, outcome.keys.csv)}`);
    expect(mail.html).toContain('<table');
    expect(mail.html).toContain(`<code>${join(lake, outcome.keys.parquet[0]!)}</code>`);
    expect(mail.attachments).toEqual([]);
  });

  it('refuses --email with missing settings before running anything, naming every one', async () => {
    expect(() => resolveEmailConfig({ SMTP_PORT: 'x25', SMTP_USER: 'u' })).toThrow(ConfigError);
    let message = '';
    try {
      resolveEmailConfig({ SMTP_PORT: 'x25', SMTP_USER: 'u', REPORT_TO: 'ops@example.test,not-an-address' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SMTP_HOST is not set');
    expect(message).toContain('SMTP_PORT: "x25" is not a whole number');
    expect(message).toContain('SMTP_USER is set but SMTP_PASSWORD is not');
    expect(message).toContain('REPORT_FROM is not set');
    expect(message).toContain('REPORT_TO: "not-an-address" is not an email address');

    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a) => void errors.push(a.join(' ')));
    const out = join(dir, 'never-written');
    try {
      const code = await main(['report', '--period', 'weekly', '--lake', lake, '--out', out, '--email'], {
        SMTP_HOST: '127.0.0.1',
        REPORT_FROM: 'reports@example.test',
      });
      expect(code).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toMatch(
      /accesslake report: --email needs the SMTP settings: REPORT_TO is not set/,
    );
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('checks the SMTP login before the query, so a wrong password costs no scan and writes nothing', async () => {
    const server = await sink({ user: 'mailer', password: 'right' });
    const config = resolveEmailConfig(mailEnv(server.port, { SMTP_USER: 'mailer', SMTP_PASSWORD: 'wrong' }));
    const engine = await createDuckDbEngine({ lake });
    const query = vi.spyOn(engine, 'query');
    const output = await createStorage(join(dir, 'out-wrong-password'));
    const mailer = createMailer(config, { timeoutSeconds: 5 });
    try {
      const run = runReport({
        period: resolvePeriod({ period: 'weekly', now: new Date('2025-01-15T00:00:00Z') }),
        engine,
        output,
        links: createLinkMaker(output.url),
        mailer,
      });
      await expect(run).rejects.toThrow(ReportEmailError);
      await expect(run).rejects.toThrow(
        /connecting via SMTP 127\.0\.0\.1:\d+ failed: .*Invalid username or password.*check .*SMTP_PASSWORD/,
      );
      expect(query).not.toHaveBeenCalled();
      expect(await output.list('')).toEqual([]);
      expect(server.received).toEqual([]);
    } finally {
      mailer.close();
      await engine.close();
    }
  });

  it('names the server when it cannot be reached', async () => {
    const port = await freePort(); // nothing listens there
    const mailer = createMailer(resolveEmailConfig(mailEnv(port)), { timeoutSeconds: 5 });
    try {
      await expect(mailer.verify()).rejects.toThrow(
        new RegExp(
          `connecting via SMTP 127\\.0\\.0\\.1:${port} failed: .*ECONNREFUSED.*check SMTP_HOST, SMTP_PORT`,
        ),
      );
    } finally {
      mailer.close();
    }
  });
});
