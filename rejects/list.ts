/**
 * `accesslake rejects`: the lake's rejected lines grouped by why, so a wrong format shows as one big
 * group ("121 lines: $remote_addr: expected …") instead of 121 objects to open.
 */
import type { StoredReject } from './read.ts';

export interface RejectGroup {
  /** The reason with its quoted values left out, so lines that failed the same way group together. */
  reason: string;
  /** The format the lines were read with. */
  format: string;
  count: number;
  sources: string[];
  /** The first line of the group, as received. */
  example: string;
  /** The first full reason of the group. */
  exampleReason: string;
}

/** `"…"` for each quoted value in a reason: `expected "METHOD URI PROTOCOL", got "x"` → `… got "…"`. */
export function reasonKind(reason: string): string {
  return reason.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
}

/** Groups rejects by format and kind of reason, largest group first. */
export function groupRejects(rejects: Iterable<StoredReject>): RejectGroup[] {
  const groups = new Map<string, RejectGroup & { sourceSet: Set<string> }>();
  for (const reject of rejects) {
    const reason = reasonKind(reject.reason);
    const key = `${reject.format}\n${reason}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        reason,
        format: reject.format,
        count: 0,
        sources: [],
        sourceSet: new Set(),
        example: reject.line,
        exampleReason: reject.reason,
      };
      groups.set(key, group);
    }
    group.count++;
    group.sourceSet.add(reject.source);
  }
  return [...groups.values()]
    .map(({ sourceSet, ...group }) => ({ ...group, sources: [...sourceSet].sort() }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/** The groups for a terminal: count, format, reason, sources and one example line each. */
export function formatRejectGroups(groups: readonly RejectGroup[], objects: number): string {
  const total = groups.reduce((n, g) => n + g.count, 0);
  if (total === 0) return 'no rejected lines in this lake';
  const lines = [
    `${total} rejected line${total === 1 ? '' : 's'} in ${objects} object${objects === 1 ? '' : 's'}, by reason:`,
  ];
  for (const g of groups) {
    lines.push('');
    lines.push(
      `${String(g.count).padStart(7)}  format ${shorten(g.format, 60)} · source ${g.sources.join(', ')}`,
    );
    lines.push(`         ${g.exampleReason}`);
    lines.push(`         e.g. ${shorten(g.example, 160)}`);
  }
  lines.push('');
  lines.push('ship them again with the right format: accesslake rejects replay --lake LAKE --format F');
  return lines.join('\n');
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
