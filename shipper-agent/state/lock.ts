/**
 * The state directory's lock, `<state-dir>/agent.lock`: two agents on one state would ship every line
 * twice. The lock holds the pid of the agent using the folder and a random nonce naming this holding.
 *
 * Taken atomically: the content is written whole to a temp file and link(2)ed into place; link fails
 * with EEXIST when the lock exists (link(2), POSIX), so a contender never sees an empty or half-written
 * lock (writing the pid after an O_EXCL create let a loser read an empty file, take it for stale and
 * delete the winner's lock). A lock whose pid no longer runs (kill -9) is stale, and removing it is
 * gated: only the contender that links `agent.lock.gone-<nonce>` first may remove the lock holding
 * that nonce, and it checks the lock still holds it first, so two contenders can never both delete and
 * retake. A gate left by a contender killed half-way is itself stale and removed the same way, so no
 * crash leaves the folder locked for good.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StateError } from '../errors.ts';

export const LOCK_FILE = 'agent.lock';

/** Contenders retry this often while another one is taking a stale lock over. */
const BUSY_WAIT_MS = 10;
const MAX_ATTEMPTS = 500;
/** Gates of gates: each level needs one more contender killed during a takeover. */
const MAX_GATE_DEPTH = 8;

// Locks this process holds, so a pid in a lock equal to ours (pid 1 in a restarted container) is told
// apart from a lock we really hold.
const heldLocks = new Set<string>();

export interface StateLock {
  release(): Promise<void>;
}

/** A lock or gate file as read: its pid, the nonce of that holding, and the inode it was read from. */
interface Holding {
  pid: number;
  raw: string;
  ino: number;
  /** Names this holding in its gate: the nonce, or the inode for a lock an older agent wrote. */
  tag: string;
}

/**
 * Takes `<state-dir>/agent.lock`. A lock left by a process that no longer runs is taken over; a live one
 * is a {@link StateError} naming its pid.
 */
export async function acquireLock(stateDir: string): Promise<StateLock> {
  const path = join(stateDir, LOCK_FILE);
  const nonce = randomBytes(12).toString('base64url');
  const content = `${process.pid}\n${nonce}\n`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await linkWhole(path, content, nonce)) {
      heldLocks.add(path);
      await removeLeftovers(stateDir);
      return {
        async release() {
          heldLocks.delete(path);
          // Only our own holding: never a lock someone took over after ours was wrongly judged stale.
          const now = await readHolding(path);
          if (now?.raw === content) await rm(path, { force: true });
        },
      };
    }
    const owner = await readHolding(path);
    if (!owner) continue;
    if (holderRuns(owner, path)) {
      throw new StateError(
        `another agent (pid ${owner.pid}) is using the state directory ${stateDir}: stop it, or give this agent its own --state-dir`,
      );
    }
    await removeStale(path, owner, content, nonce, 0);
  }
  throw new StateError(`cannot take the lock ${path}: other agents keep taking it over`);
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderRuns(holding: Holding, path: string): boolean {
  const { pid } = holding;
  return pid > 0 && isAlive(pid) && (pid !== process.pid || heldLocks.has(path));
}

/** Creates `path` holding `content`, whole, unless it exists: write a temp file, link(2) it, unlink it. */
async function linkWhole(path: string, content: string, nonce: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}-${nonce}.tmp`;
  try {
    await writeFile(tmp, content, { mode: 0o640 });
    await link(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StateError(`cannot create the lock ${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

async function readHolding(path: string): Promise<Holding | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateError(`cannot read the lock ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const { ino } = await handle.stat();
    const raw = await handle.readFile('utf8');
    const [pid, nonce] = raw.split('\n');
    return { pid: Number.parseInt(pid ?? '', 10) || 0, raw, ino, tag: nonce || `ino${ino}` };
  } finally {
    await handle.close();
  }
}

/**
 * Removes the stale `holding` at `path`, if this contender wins its gate; otherwise waits for the
 * contender that did, or clears that contender's gate when it died half-way.
 */
async function removeStale(
  path: string,
  holding: Holding,
  content: string,
  nonce: string,
  depth: number,
): Promise<void> {
  const gate = `${path}.gone-${holding.tag}`;
  if (await linkWhole(gate, content, nonce)) {
    try {
      const now = await readHolding(path);
      // Still the stale holding we judged (nobody else may remove it while we hold its gate).
      if (now && now.raw === holding.raw && now.ino === holding.ino) await unlink(path);
    } finally {
      await rm(gate, { force: true });
    }
    return;
  }
  const gateHolder = await readHolding(gate);
  if (!gateHolder) return;
  if (holderRuns(gateHolder, gate) || depth >= MAX_GATE_DEPTH) {
    await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS));
    return;
  }
  await removeStale(gate, gateHolder, content, nonce, depth + 1);
}

/** Gates and temp files of contenders killed half-way: removed once their pid is gone. */
async function removeLeftovers(stateDir: string): Promise<void> {
  const names = await readdir(stateDir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(`${LOCK_FILE}.`)) continue;
    const path = join(stateDir, name);
    // A temp file may be empty while its writer still runs: its pid is read from its name.
    const tmp = /\.(\d+)-[\w-]+\.tmp$/.exec(name);
    const pid = tmp ? Number(tmp[1]) : (await readHolding(path).catch(() => undefined))?.pid;
    if (pid !== undefined && pid !== process.pid && !(pid > 0 && isAlive(pid)))
      await rm(path, { force: true });
  }
}
