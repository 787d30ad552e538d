/**
 * Validation of a state file's JSON into an {@link AgentState}: a state written by a newer agent or not
 * an object is refused as a whole; one file entry whose offsets do not fit stops that file only
 * (stopped.ts), kept as it was until a person fixes it.
 */
import { type AgentState, emptyState, type FileEntry, STATE_VERSION } from './schema.ts';
import { isPermanent, offsetProblem } from './stopped.ts';

/** The state file's name inside the state directory. */
export const STATE_FILE = 'agent-state.json';

/** Validates the JSON of a state file. */
export function parseState(
  text: string,
): { success: true; data: AgentState } | { success: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { success: false, error: `not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null) return { success: false, error: 'not a JSON object' };
  const state = value as Partial<AgentState>;
  if (typeof state.version !== 'number') return { success: false, error: 'no "version"' };
  if (state.version > STATE_VERSION) {
    return {
      success: false,
      error: `version ${state.version} was written by a newer agent; this one reads version ${STATE_VERSION}`,
    };
  }
  if (!Array.isArray(state.files)) return { success: false, error: '"files" is not a list' };
  // A stop that waits for a person (an invalid entry) holds across restarts; the others are tried again.
  const stopped = (Array.isArray(state.stopped) ? state.stopped : []).filter(isPermanent);
  const files: FileEntry[] = [];
  for (const [i, file] of state.files.entries()) {
    const problem = entryProblem(file);
    if (!problem) {
      files.push(file);
      continue;
    }
    const path = (file as { path?: unknown } | null)?.path;
    // Without a path the entry cannot be tied to a file: the state as a whole is not usable.
    if (typeof path !== 'string') return { success: false, error: `files[${i}]: ${problem}` };
    stopped.push({
      path,
      reason:
        `its entry in the state (files[${i}]) is not valid: ${problem}. The agent does not guess where to ` +
        'resume (from 0 would ship lines twice, from the end could skip some): stop the agent and fix the ' +
        `entry (now under "stopped") in ${STATE_FILE}, or delete it to read the file from its start again`,
      since: new Date().toISOString(),
      entry: null,
      invalidEntry: file,
    });
  }
  for (const stop of state.stopped ?? []) {
    // A retried stop gives its entry back, offsets intact.
    if (!isPermanent(stop) && stop.entry && !entryProblem(stop.entry)) files.push(stop.entry);
  }
  const retired = Array.isArray(state.retired) ? state.retired : [];
  for (const [i, file] of retired.entries()) {
    const problem = entryProblem(file);
    if (problem) return { success: false, error: `retired[${i}]: ${problem}` };
  }
  const totals = { ...emptyState().totals, ...(state.totals ?? {}) };
  return {
    success: true,
    data: {
      version: STATE_VERSION,
      updatedAt: String(state.updatedAt ?? ''),
      agent: state.agent ?? null,
      files,
      retired,
      scannedAt: typeof state.scannedAt === 'string' ? state.scannedAt : null,
      totals,
      lastError: state.lastError ?? null,
      stopped,
      // Shown by `agent status`; an agent starting clears it (it is this run's).
      failing: Array.isArray(state.failing) ? state.failing : [],
    },
  };
}

function entryProblem(file: unknown): string | undefined {
  if (typeof file !== 'object' || file === null) return 'not an object';
  const entry = file as Record<string, unknown>;
  if (entry.format === undefined) entry.format = 'json';
  if (entry.checksum === undefined) entry.checksum = null;
  if (entry.checksum !== null && typeof entry.checksum !== 'string') return '"checksum" is not a string';
  for (const key of ['id', 'path', 'format', 'fingerprint']) {
    if (typeof entry[key] !== 'string') return `"${key}" is not a string`;
  }
  return offsetProblem(entry);
}
