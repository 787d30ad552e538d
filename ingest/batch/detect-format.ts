/**
 * Format detection (`--format auto`): which format a log's own lines are written in. Pure: lines in,
 * a decision out. Each candidate parses the sample through the same path ingest uses (parser, then the
 * canonical record's validation), so "fits" means "ingest would accept these lines under it".
 *
 * The most specific format that fits wins: candidates are tried in {@link DETECTION_ORDER} (formats
 * named by nginx.conf first, then JSON, the AWS layouts, `main` before `combined`, because a `main`
 * line is a `combined` line with a field appended) and the one accepting the most sample lines wins,
 * the earlier one on a tie. A format fits only when it accepts more than {@link FIT_SHARE} of the sample
 * (a real log may hold junk lines: scanners, a cut line); when none does, the answer names a line and every format
 * tried with the reason it refused that line.
 */
import { resolveLineParser } from '../../formats/index.ts';
import { parseBatchLines } from './parse-lines.ts';

/** Named formats in the order detection prefers them. */
export const DETECTION_ORDER = ['json', 'alb', 's3', 'main', 'combined'] as const;

/** Share of the sample lines a format must accept more than, to fit. */
export const FIT_SHARE = 0.5;

/** Lines detection looks at: the first complete lines of the file, at most this many. */
export const DETECTION_SAMPLE_LINES = 20;

/** A candidate: a named format or a log_format string, with where it came from (for the reason). */
export interface FormatCandidate {
  format: string;
  /** e.g. `log_format "main" in /etc/nginx/nginx.conf`; default: the built-in named format. */
  origin?: string;
}

export interface FormatTried {
  format: string;
  accepted: number;
  /** The first reason this format gave for a line it refused; undefined when it refused none. */
  firstReason: string | undefined;
}

export type Detection =
  | { success: true; format: string; reason: string; tried: FormatTried[] }
  | { success: false; error: string; tried: FormatTried[] };

/**
 * Decides the format of `lines` (complete lines, without their newlines; blank lines are ignored).
 * `extra` candidates (from nginx.conf) are tried before the built-in ones.
 * @returns success with the format and a sentence saying why; or failure with an error showing the
 *   first line and each format's reason. An empty sample is a failure ("no lines yet"): callers wait.
 */
export function detectFormat(lines: readonly string[], extra: readonly FormatCandidate[] = []): Detection {
  const sample = lines.filter((line) => line.trim() !== '').slice(0, DETECTION_SAMPLE_LINES);
  const candidates: FormatCandidate[] = [...extra, ...DETECTION_ORDER.map((format) => ({ format }))];
  if (sample.length === 0) return { success: false, error: 'no lines to decide from yet', tried: [] };

  const text = `${sample.join('\n')}\n`;
  const tried: FormatTried[] = [];
  let best: { candidate: FormatCandidate; accepted: number } | undefined;
  for (const candidate of candidates) {
    if (tried.some((t) => t.format === candidate.format)) continue;
    const { accepted, rejected } = parseBatchLines(text, resolveLineParser(candidate.format), 'detect');
    tried.push({ format: candidate.format, accepted: accepted.length, firstReason: rejected[0]?.reason });
    if (accepted.length > (best?.accepted ?? 0)) best = { candidate, accepted: accepted.length };
  }

  if (best && best.accepted > FIT_SHARE * sample.length) {
    const { format, origin } = best.candidate;
    const alsoFit = tried
      .filter((t) => t.format !== format && t.accepted === best.accepted)
      .map((t) => shortName(t.format));
    const reason =
      `${best.accepted} of the first ${sample.length} lines parse as ${shortName(format)}` +
      (origin ? ` (${origin})` : '') +
      (alsoFit.length ? `; it is more specific than ${alsoFit.join(', ')}, which also fit` : '');
    return { success: true, format, reason, tried };
  }

  const line = sample[0]!;
  const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  const reasons = tried
    .map((t) => `${shortName(t.format)} (${t.accepted}/${sample.length} lines): ${t.firstReason ?? 'ok'}`)
    .join('; ');
  return {
    success: false,
    error: `no known format fits these lines, e.g. ${JSON.stringify(shown)}; tried ${reasons}. Pass --format with the log_format of this file`,
    tried,
  };
}

/** A log_format string shortened for messages. */
function shortName(format: string): string {
  return format.length > 60 ? `log_format ${JSON.stringify(`${format.slice(0, 57)}…`)}` : format;
}
