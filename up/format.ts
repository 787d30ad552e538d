/** The summary as a few short lines of text, the same on a terminal and in a log. */
import { formatBytes } from '../lib/bytes/index.ts';
import type { AgentSummary, LakeSummary } from './summary.ts';

const number = new Intl.NumberFormat('en-US');

export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '–';
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
}

/** `840 ms`, `12.3 s`, `4 min`, `2 h 5 min`: how old the newest record is. */
export function formatAge(ms: number): string {
  if (ms < 60_000) return formatSeconds(Math.max(0, ms) / 1000);
  const minutes = Math.floor(ms / 60_000);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hh > 0 ? `${hh}:${two(mm)}:${two(ss)}` : `${two(mm)}:${two(ss)}`;
}

/**
 * ```
 * [00:15] shipped 1,234 lines · rejected 0 · lag 0 B · newest record 1.2 s old
 *         2xx 1,050 · 3xx 90 · 4xx 70 · 5xx 24 · p95 118 ms · p50 16 ms
 *         top /static/img/p1.webp 80 · /api/search 62 · /products 55
 * ```
 */
export function formatSummary(
  elapsedMs: number,
  agent: AgentSummary,
  lake: LakeSummary,
  now = Date.now(),
): string {
  const head = `[${formatElapsed(elapsedMs)}]`;
  const pad = ' '.repeat(head.length);
  const age =
    lake.newest === null ? 'no records yet' : `newest record ${formatAge(now - Date.parse(lake.newest))} old`;
  const classes = Object.entries(lake.byClass)
    .filter(([name, n]) => n > 0 || name !== '1xx')
    .map(([name, n]) => `${name} ${number.format(n)}`)
    .join(' · ');
  const top = lake.topPaths.length
    ? lake.topPaths.map((p) => `${p.path} ${number.format(p.requests)}`).join(' · ')
    : '–';
  const lines = [
    `${head} shipped ${number.format(agent.linesShipped)} lines · rejected ${number.format(agent.linesRejected)} · lag ${formatBytes(agent.lagBytes)} · ${age}`,
    `${pad} ${classes} · p95 ${formatSeconds(lake.p95)} · p50 ${formatSeconds(lake.p50)}`,
    `${pad} top ${top}`,
  ];
  if (agent.linesRejected > 0)
    lines.push(
      `${pad} REJECTED ${number.format(agent.linesRejected)} lines (format ${agent.formats.join(', ') || '?'})` +
        `${agent.firstRejectReason ? `, the first because ${agent.firstRejectReason}` : ''}` +
        ': is --format right? They are kept; `accesslake rejects` lists them',
    );
  if (agent.stopped) lines.push(`${pad} NOT SHIPPING: ${agent.stopped}`);
  if (agent.lastError) lines.push(`${pad} agent: ${agent.lastError}`);
  return lines.join('\n');
}
