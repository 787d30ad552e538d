/**
 * SMTP settings for the report mail, from the environment variables mail-sending tools conventionally
 * use (SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD) plus the report's own addresses. Read once at the
 * entry point, and BEFORE any query runs, so a missing setting costs no scan.
 * The variables, their meaning and defaults are listed in docs/reports.md#email.
 */
import { ConfigError } from '../../lib/errors/index.ts';
import { parseInteger } from '../../lib/units/index.ts';

export interface EmailConfig {
  host: string;
  port: number;
  /** Implicit TLS (SMTPS). Otherwise plain SMTP upgraded with STARTTLS when the server offers it. */
  secure: boolean;
  auth?: { user: string; password: string };
  from: string;
  to: string[];
  replyTo?: string;
}

// `name@domain`, optionally as `Display Name <name@domain>`: enough to catch a typo, not RFC 5322.
const ADDRESS = /^(?:[^<>]*<\s*[^\s@<>]+@[^\s@<>]+\s*>|[^\s@<>]+@[^\s@<>]+)$/;

/**
 * Reads the mail settings. Throws one ConfigError that lists every missing or malformed variable, so
 * a person fixes them all at once.
 */
export function resolveEmailConfig(env: Record<string, string | undefined>): EmailConfig {
  const problems: string[] = [];
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const host = value('SMTP_HOST');
  if (!host) problems.push('SMTP_HOST is not set (the SMTP relay, e.g. email-smtp.eu-west-1.amazonaws.com)');

  const secureText = value('SMTP_SECURE');
  if (secureText !== undefined && secureText !== 'true' && secureText !== 'false') {
    problems.push(`SMTP_SECURE=${JSON.stringify(secureText)} must be true or false`);
  }
  let port = secureText === 'true' ? 465 : 587;
  const portText = value('SMTP_PORT');
  if (portText !== undefined) {
    try {
      port = parseInteger(portText, 'SMTP_PORT', 1, 65535);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const secure = secureText === undefined ? port === 465 : secureText === 'true';

  const user = value('SMTP_USER');
  const password = env.SMTP_PASSWORD === '' ? undefined : env.SMTP_PASSWORD;
  if (user && password === undefined) problems.push('SMTP_USER is set but SMTP_PASSWORD is not');
  if (!user && password !== undefined) problems.push('SMTP_PASSWORD is set but SMTP_USER is not');

  const from = value('REPORT_FROM');
  if (!from) problems.push('REPORT_FROM is not set (the sender, e.g. "accesslake <reports@example.com>")');
  else if (!ADDRESS.test(from)) problems.push(`REPORT_FROM=${JSON.stringify(from)} is not an email address`);

  const to = (value('REPORT_TO') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (to.length === 0) problems.push('REPORT_TO is not set (recipients, comma-separated)');
  for (const address of to) {
    if (!ADDRESS.test(address))
      problems.push(`REPORT_TO: ${JSON.stringify(address)} is not an email address`);
  }
  const replyTo = value('REPORT_REPLY_TO');
  if (replyTo && !ADDRESS.test(replyTo))
    problems.push(`REPORT_REPLY_TO=${JSON.stringify(replyTo)} is not an email address`);

  if (problems.length > 0 || !host || !from) {
    throw new ConfigError(
      `--email needs the SMTP settings: ${problems.join('; ')}. See docs/reports.md#email.`,
    );
  }
  return {
    host,
    port,
    secure,
    ...(user && password !== undefined ? { auth: { user, password } } : {}),
    from,
    to,
    ...(replyTo ? { replyTo } : {}),
  };
}
