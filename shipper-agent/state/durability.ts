/**
 * The state file on disk, `<state-dir>/agent-state.json`. Writes go tmp → fsync → rename → fsync(dir), so
 * after a crash (kill -9, power loss) the file holds either the previous state or the new one, never
 * half. The lock that keeps two agents off one state directory is lock.ts.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { StateError } from '../errors.ts';
import { parseState, STATE_FILE } from './parse.ts';
import { type AgentState, emptyState } from './schema.ts';

export { STATE_FILE } from './parse.ts';

/** Reads the state file; a missing file is an empty state (first start). */
export async function loadState(stateDir: string): Promise<AgentState> {
  const path = join(stateDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return emptyState();
    throw new StateError(`cannot read the agent state ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = parseState(text);
  if (!parsed.success) {
    throw new StateError(
      `the agent state ${path} is not valid (${parsed.error}): restore it, or move it away to start over ` +
        '(the agent then reads every file from the start again, so lines already shipped arrive twice)',
    );
  }
  return parsed.data;
}

/** Writes the state atomically and durably: tmp → fsync → rename → fsync(dir). */
export async function saveState(stateDir: string, state: AgentState): Promise<void> {
  const path = join(stateDir, STATE_FILE);
  const tmp = `${path}.tmp`;
  state.updatedAt = new Date().toISOString();
  const handle = await open(tmp, 'w', 0o640);
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  // The rename itself is only durable once the directory is synced (rename(2), fsync(2) notes).
  const dir = await open(stateDir, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Creates the state directory, naming the fix when it cannot. */
export async function ensureStateDir(stateDir: string): Promise<void> {
  try {
    await mkdir(stateDir, { recursive: true, mode: 0o750 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint =
      code === 'EACCES' || code === 'EPERM'
        ? ': permission denied; pass a writable --state-dir (or ACCESSLAKE_STATE_DIR)'
        : `: ${(error as Error).message}`;
    throw new StateError(`cannot create the state directory ${stateDir}${hint}`, { cause: error });
  }
}
