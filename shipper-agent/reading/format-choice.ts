/**
 * Which format a tailed file's lines are sent in, decided once per file when its first batch is due and
 * kept in its state entry (`formatChoice`) with the reason, for the log and `agent status`.
 *
 * A configured format (`--format combined`, a log_format from nginx.conf) is used as is. `auto` (the
 * default) reads the file's first complete lines from where shipping starts and lets
 * `formats/detect.ts` pick the most specific format that fits. A file whose lines fit no format
 * is stopped alone through the agent's stop list (stopped.ts; the picker calls `FileTracker.stopFile`
 * with the reason: a line and every format tried, shown by `agent status`): the other files keep
 * shipping, and the next start of the agent tries again (after the user set `--format` for it, say).
 */
import { type Detection, detectFormat, type FormatCandidate } from '../../ingest/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import type { TrackedFile } from '../rotation/tracked-file.ts';
import type { FileEntry } from '../state/schema.ts';

/** The format spec that asks for detection. */
export const AUTO_FORMAT = 'auto';

/** Bytes read from a file to decide its format: enough for the sample's lines. */
export const DETECTION_READ_BYTES = 64 * 1024;

export interface FormatChoiceOptions {
  /** Why a configured format is used, by spec (e.g. "access_log in /etc/nginx/nginx.conf:12"). */
  formatReasons: ReadonlyMap<string, string>;
  /** log_formats from nginx.conf, tried before the built-in formats. */
  formatCandidates: readonly FormatCandidate[];
}

export type FormatDecision =
  | { kind: 'ready'; format: string }
  /** No complete line yet: decide when the file grows. */
  | { kind: 'wait' }
  /** Its lines fit no format: `reason` names a line and every format tried. */
  | { kind: 'stopped'; reason: string };

/** The format a batch of `entry` is sent in; undefined until it is decided. */
export function chosenFormat(entry: FileEntry): string | undefined {
  if (entry.formatChoice && entry.formatChoice.configured === entry.format) return entry.formatChoice.format;
  return entry.format === AUTO_FORMAT ? undefined : entry.format;
}

/** Decides (once) the format of `file`, reading its first lines when it is `auto`. */
export async function decideFormat(
  file: TrackedFile,
  options: FormatChoiceOptions,
  logger: Logger,
): Promise<FormatDecision> {
  const entry = file.entry;
  const chosen = chosenFormat(entry);
  if (chosen !== undefined && entry.formatChoice?.configured === entry.format)
    return { kind: 'ready', format: chosen };
  const configured = entry.format;
  if (configured !== AUTO_FORMAT) {
    const reason = options.formatReasons.get(configured) ?? 'set by --format';
    entry.formatChoice = { format: configured, reason, configured };
    logger.info('format set', { path: entry.path, format: configured, reason });
    return { kind: 'ready', format: configured };
  }
  if (!file.handle) return { kind: 'wait' };
  const lines = await readFirstLines(file);
  if (lines.length === 0) return { kind: 'wait' };
  const detection: Detection = detectFormat(lines, options.formatCandidates);
  if (detection.success) {
    entry.formatChoice = { format: detection.format, reason: `auto: ${detection.reason}`, configured };
    logger.info('format detected', { path: entry.path, format: detection.format, reason: detection.reason });
    return { kind: 'ready', format: detection.format };
  }
  if (detection.tried.length === 0) return { kind: 'wait' };
  // Logged by the tracker as it stops the file (an error naming the path and this reason).
  return { kind: 'stopped', reason: detection.error };
}

/** The complete lines from the file's read position, within {@link DETECTION_READ_BYTES}. */
async function readFirstLines(file: TrackedFile): Promise<string[]> {
  const length = Math.min(DETECTION_READ_BYTES, file.size - file.readPos);
  if (length <= 0 || !file.handle) return [];
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.handle.read(buffer, 0, length, file.readPos);
  const text = buffer.subarray(0, bytesRead).toString('utf8');
  const end = text.lastIndexOf('\n');
  if (end < 0) return [];
  return text
    .slice(0, end)
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}
