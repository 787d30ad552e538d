/**
 * What nginx wrote, read back from every access log file in the folder (the current one and all
 * rotated copies), reduced to the comparison key `(ts, path, status, bytes)`. The parsing here is
 * deliberately independent of the ingest's own parsers: the test must not agree with a bug by sharing it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NginxLogFormat } from '../../../harness/index.ts';

export interface LoggedLines {
  /** key → how many lines carry it. */
  keys: Map<string, number>;
  lines: number;
  bytes: number;
  /** The longest line's bytes, without its line end. */
  maxLineBytes: number;
  files: string[];
}

/** The comparison key of a canonical lake record. */
export function recordKey(record: object): string {
  const r = record as Record<string, unknown>;
  return `${r.ts}\t${r.path}\t${r.status}\t${r.bytes_sent}`;
}

export async function readLoggedLines(logDir: string, format: NginxLogFormat): Promise<LoggedLines> {
  const files = (await readdir(logDir)).filter((name) => /^access\.log(\.\d+)?$/.test(name)).sort();
  const keys = new Map<string, number>();
  let lines = 0;
  let bytes = 0;
  let maxLineBytes = 0;
  for (const name of files) {
    const text = await readFile(join(logDir, name), 'utf8');
    bytes += Buffer.byteLength(text);
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      const line = text.slice(start, end);
      start = end + 1;
      maxLineBytes = Math.max(maxLineBytes, Buffer.byteLength(line));
      const key = format === 'json' ? jsonLineKey(line) : mainLineKey(line);
      keys.set(key, (keys.get(key) ?? 0) + 1);
      lines++;
    }
    if (start < text.length)
      throw new Error(`${name} ends in a partial line: ${text.slice(start, start + 200)}`);
  }
  return { keys, lines, bytes, maxLineBytes, files };
}

function jsonLineKey(line: string): string {
  const o = JSON.parse(line) as Record<string, string | number>;
  // $msec ("1736519462.123") carries milliseconds; the format logs it next to $time_iso8601.
  const ms = o.msec !== undefined ? Math.round(Number(o.msec) * 1000) : Date.parse(String(o.ts));
  return `${new Date(ms).toISOString()}\t${o.path}\t${o.status}\t${o.bytes_sent}`;
}

// $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" ...
const MAIN_LINE = /^\S+ - \S+ \[([^\]]+)\] "(\S+) (\S+)(?: [^"]*)?" (\d{3}) (\d+) /;
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

function mainLineKey(line: string): string {
  const m = MAIN_LINE.exec(line);
  if (!m) throw new Error(`not an nginx main-format line: ${line}`);
  // 21/Nov/2026:20:35:13 +0000
  const t = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(m[1]!);
  if (!t) throw new Error(`unexpected $time_local: ${m[1]}`);
  const offset = (t[7] === '-' ? -1 : 1) * (Number(t[8]) * 60 + Number(t[9])) * 60_000;
  const month = MONTHS.indexOf(t[2]!) / 3;
  const ms = Date.UTC(Number(t[3]), month, Number(t[1]), Number(t[4]), Number(t[5]), Number(t[6])) - offset;
  return `${new Date(ms).toISOString()}\t${m[3]}\t${m[4]}\t${m[5]}`;
}
