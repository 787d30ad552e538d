/**
 * Reading ingest's answers (docs/wire-protocol.md): a 200 must be the wire contract's `BatchAnswer` for
 * this batch (a proxy's page is not), a refusal becomes an {@link IngestRejectedError} that names the fix,
 * and an error body (ingest's `ErrorAnswer`, or whatever else came back) becomes one line for the log.
 */
import { BATCHES_PATH, type BatchAnswer } from '../../wire/index.ts';
import { IngestRejectedError } from '../errors.ts';
import type { HttpAnswer } from './http-transport.ts';

/** A stored batch's answer, checked: it names the batch `batchId` and counts what was accepted. */
export async function readAnswer(response: HttpAnswer, batchId: string, base: string): Promise<BatchAnswer> {
  const text = await response.text();
  let answer: Partial<BatchAnswer> | undefined;
  try {
    answer = JSON.parse(text) as Partial<BatchAnswer>;
  } catch {
    answer = undefined;
  }
  // A 200 from something that is not ingest (a proxy's page) must not commit data that was not stored.
  if (!answer || typeof answer.accepted !== 'number' || answer.batchId !== batchId) {
    throw new IngestRejectedError(
      response.status,
      `${base} answered ${response.status} but not like an accesslake ingest (${htmlSummary(text) ?? JSON.stringify(text.slice(0, 120))}): check --endpoint`,
    );
  }
  return {
    batchId: answer.batchId,
    accepted: answer.accepted,
    rejected: typeof answer.rejected === 'number' ? answer.rejected : 0,
    objects: Array.isArray(answer.objects) ? answer.objects : [],
    ...(typeof answer.firstRejectReason === 'string' ? { firstRejectReason: answer.firstRejectReason } : {}),
  };
}

/**
 * An HTML page (a proxy's or another server's error page) as its title, for error messages: keeps a
 * wrong --endpoint's 404 page out of the log. Undefined when the body is not HTML.
 */
export function htmlSummary(text: string): string | undefined {
  const trimmed = text.trimStart();
  if (!/^<(!doctype\s+html|html|head|body|title)[\s>]/i.test(trimmed)) return undefined;
  const title =
    /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(trimmed)?.[1];
  const name = title?.replace(/\s+/g, ' ').trim();
  return name ? `an HTML page titled ${JSON.stringify(name)}` : 'an HTML page';
}

export function rejection(status: number, detail: string, base: string): IngestRejectedError {
  const said = detail ? `: ${detail}` : '';
  if (status === 404 || status === 405) {
    return new IngestRejectedError(
      status,
      `no accesslake ingest at ${base} (POST ${BATCHES_PATH} answered ${status}${said}): --endpoint must be the ingest's base URL, e.g. http://127.0.0.1:8080`,
    );
  }
  if (status === 415) {
    return new IngestRejectedError(
      status,
      `ingest does not accept this batch's format or encoding (415${said}): pick a --format it supports (json, combined, main or a log_format string) or upgrade the ingest`,
    );
  }
  if (status === 400) {
    return new IngestRejectedError(
      status,
      `ingest rejected the batch as malformed (400${said}): check --source and --format; the lines stay in the log file and are sent once this is fixed`,
    );
  }
  return new IngestRejectedError(status, `ingest refused the batch (${status}${said})`);
}

/** The `error` of ingest's JSON error body, or the start of whatever else came back. */
export async function errorDetail(response: HttpAnswer): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON
  }
  return htmlSummary(text) ?? text.slice(0, 200).trim();
}
