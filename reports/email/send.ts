/**
 * The report mail over SMTP with nodemailer: the summary as text (Markdown) and HTML, with links to
 * the files rather than attachments, which relays cap (SES: 10 MB). The connection and the login are
 * checked before the report runs (`verify`), so a wrong host or password costs no scan.
 */
import nodemailer from 'nodemailer';
import { describeError } from '../../lib/errors/index.ts';
import { ReportEmailError } from '../errors.ts';
import type { EmailConfig } from './config.ts';

export interface ReportMail {
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Connects and logs in (SMTP EHLO + AUTH), then hangs up. Throws ReportEmailError naming the server. */
  verify(): Promise<void>;
  /** Sends to every REPORT_TO recipient; resolves with the relay's message id. */
  send(mail: ReportMail): Promise<{ messageId: string; accepted: string[] }>;
  close(): void;
}

export interface MailerOptions {
  /** Seconds to wait for the connection, the greeting and each reply. Default 20 s. */
  timeoutSeconds?: number;
}

export function createMailer(config: EmailConfig, options: MailerOptions = {}): Mailer {
  const timeout = (options.timeoutSeconds ?? 20) * 1000;
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.auth ? { auth: { user: config.auth.user, pass: config.auth.password } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  const server = `${config.host}:${config.port}`;
  const fail = (what: string, error: unknown) =>
    new ReportEmailError(
      `${what} via SMTP ${server} failed: ${describeError(error)}; check SMTP_HOST, SMTP_PORT, SMTP_SECURE${config.auth ? ', SMTP_USER and SMTP_PASSWORD' : ''}`,
      { cause: error },
    );

  return {
    async verify() {
      try {
        await transport.verify();
      } catch (error) {
        throw fail('connecting', error);
      }
    },
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: config.to,
          ...(config.replyTo ? { replyTo: config.replyTo } : {}),
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
        });
        return { messageId: info.messageId, accepted: info.accepted.map(String) };
      } catch (error) {
        throw fail('sending the report mail', error);
      }
    },
    close() {
      transport.close();
    },
  };
}
