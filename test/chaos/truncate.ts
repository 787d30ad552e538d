/**
 * The campaign's truncations, each described as loss-bound.ts needs it: the truncated inode, the bytes
 * its copy holds and the lines a refill wrote again.
 * - logrotate's own `copytruncate` (test/e2e/support/logrotate.ts), watched from outside;
 * - {@link copyThenTruncate}: the same steps made by the harness, with a pause between the copy and the
 *   truncate (as when a large log's copy takes that long), so the window nginx writes into is wide enough
 *   for the agent to see some of it; optionally refilled at once with the file's own first lines.
 */
import { copyFile, open, readdir, readFile, rename, stat, truncate } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { sleep } from '../../harness/index.ts';
import { type RotateOptions, rotateWithLogrotate } from '../e2e/support/logrotate.ts';
import type { Truncation } from './loss-bound.ts';

/** logrotate with `copytruncate`; the copy is the new `access.log.1` (none when logrotate skipped). */
export async function logrotateCopytruncate(options: Omit<RotateOptions, 'mode'>): Promise<Truncation> {
  const log = options.logFile;
  const start = Date.now();
  const live = await stat(log);
  const copyBefore = await stat(`${log}.1`).catch(() => undefined);
  await rotateWithLogrotate({ ...options, mode: 'copytruncate' });
  const end = Date.now();
  const copy = await stat(`${log}.1`).catch(() => undefined);
  const made = copy !== undefined && copy.ino !== copyBefore?.ino;
  return { start, end, dev: live.dev, ino: live.ino, copyBytes: made ? copy.size : undefined, reread: 0 };
}

export interface CopyThenTruncateOptions {
  /** Between the copy and the truncate, while nginx goes on writing. */
  pauseMs: number;
  /** Refill the file at once with its own first lines (whole lines, just over 512 bytes). */
  refill: boolean;
}

/**
 * access.log is copied to access.log.1 (older copies shift up, as logrotate numbers them), then after
 * `pauseMs` truncated in place, and with `refill` at once refilled with the copy's first lines through an
 * O_APPEND descriptor, so nginx's own appends land after them rather than under them. `reread` is the
 * refill's bytes: the agent reads them again from 0, so they are not lost; `refillLines` its lines.
 */
export async function copyThenTruncate(
  log: string,
  options: CopyThenTruncateOptions,
): Promise<Truncation & { refillLines: number }> {
  const start = Date.now();
  const dir = dirname(log);
  const base = basename(log);
  const numbered = (await readdir(dir))
    .map((name) => (name.startsWith(`${base}.`) ? Number(name.slice(base.length + 1)) : Number.NaN))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => b - a);
  for (const n of numbered) await rename(`${log}.${n}`, `${log}.${n + 1}`);
  const live = await stat(log);
  await copyFile(log, `${log}.1`);
  // A copy taken while nginx writes can end inside a line (seed 458704): the harness models a copy made
  // between two of nginx's writes, so it ends at the last line end; the torn line is the window's.
  let copy = await readFile(`${log}.1`);
  const whole = copy.lastIndexOf(0x0a) + 1;
  if (whole < copy.length) {
    await truncate(`${log}.1`, whole);
    copy = copy.subarray(0, whole);
  }
  const head = options.refill ? wholeLinesOver(copy, 512) : Buffer.alloc(0);
  if (options.pauseMs > 0) await sleep(options.pauseMs);
  const handle = await open(log, 'a');
  try {
    await handle.truncate(0);
    if (head.length > 0) await handle.write(head);
  } finally {
    await handle.close();
  }
  const truncation = { start, end: Date.now(), dev: live.dev, ino: live.ino, copyBytes: copy.length };
  // The refill's lines are in the file but not in nginx's count: the harness wrote them.
  const refillLines = head.toString('utf8').split('\n').length - 1;
  return { ...truncation, reread: head.length, refillLines };
}

/** The first whole lines of `text`, up to the first line end past `bytes`. */
function wholeLinesOver(text: Buffer, bytes: number): Buffer {
  let end = 0;
  while (end < text.length && end <= bytes) {
    const nl = text.indexOf(0x0a, end);
    if (nl < 0) break;
    end = nl + 1;
  }
  return text.subarray(0, end);
}
