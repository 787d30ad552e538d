import type { LineParser } from '../formats/index.ts';
import type { RejectedLine } from '../lake/write-batch.ts';
import type { CanonicalRecord } from '../records/canonical.ts';
import { normalizeFields } from '../records/normalize.ts';

export interface ParsedBatch {
  accepted: CanonicalRecord[];
  rejected: RejectedLine[];
}

/**
 * Splits a batch into lines and turns each into a canonical record or a rejection with its reason.
 * Every line lands in exactly one of the two lists; only the empty remainder after the final newline is
 * not a line.
 */
export function parseBatchLines(text: string, parser: LineParser, source: string): ParsedBatch {
  const accepted: CanonicalRecord[] = [];
  const rejected: RejectedLine[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();

  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') {
      rejected.push({ line_no: i + 1, reason: 'empty line', line });
      continue;
    }
    const fields = parser.parse(line);
    if (!fields.success) {
      rejected.push({ line_no: i + 1, reason: fields.error, line });
      continue;
    }
    const record = normalizeFields(fields.data, source);
    if (record.success) accepted.push(record.data);
    else rejected.push({ line_no: i + 1, reason: record.error, line });
  }
  return { accepted, rejected };
}
