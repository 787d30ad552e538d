/**
 * Saying problems once and loudly: a missing or unreadable path is logged when it starts and when it
 * ends, not on every poll; bytes that can never be shipped are counted in the state and logged as errors.
 */
import type { Logger } from '../../lib/log/index.ts';
import type { AgentState, FileEntry } from '../state/schema.ts';

export class ProblemReporter {
  private readonly reported = new Map<string, string>();

  constructor(
    private readonly logger: Logger,
    private readonly state: AgentState,
  ) {}

  /** Logs `message` unless the same kind of problem was already logged for `path`. */
  once(path: string, kind: string, level: 'info' | 'warn' | 'error', message: string): void {
    if (this.reported.get(path) === kind) return;
    this.reported.set(path, kind);
    this.logger[level](message, { path, problem: kind });
  }

  /** The path works now. */
  clear(path: string): void {
    if (this.reported.get(path) === 'missing') this.logger.info('file appeared', { path });
    this.reported.delete(path);
  }

  /** Bytes that can never be shipped: counted in the state's totals and said loudly. */
  lose(entry: FileEntry, bytes: number, why: string): void {
    if (bytes <= 0) return;
    this.state.totals.bytesLost += bytes;
    const message =
      `${entry.path} (inode ${entry.ino}) ${why}: ${bytes} bytes after offset ${entry.committed} were lost. ` +
      'Keep rotated logs longer (logrotate: delaycompress, more rotations) and keep the agent running through rotations';
    this.state.lastError = { at: new Date().toISOString(), message };
    this.logger.error(message, { path: entry.path, bytesLost: bytes });
  }
}
