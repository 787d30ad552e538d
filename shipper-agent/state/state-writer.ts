/**
 * Writes the agent state, one write at a time, each with the state as it is when its turn comes
 * (durability.ts makes each write durable: tmp → fsync → rename). Besides the writes the loop needs
 * (write-ahead, commit, stop), it says when a periodic write is due: while files change, every
 * `intervalMs`, so `agent status` shows a fresh lag; nothing while they do not.
 */

import type { FileTracker } from '../rotation/tracker.ts';
import { saveState } from './durability.ts';
import type { AgentState } from './schema.ts';

export class StateWriter {
  private chain: Promise<void> = Promise.resolve();
  private lastSaveAt = 0;
  private savedSignature = '';

  constructor(
    private readonly stateDir: string,
    private readonly state: AgentState,
    private readonly tracker: FileTracker,
    private readonly intervalMs: number,
  ) {}

  /** Queues a write of the whole state; resolves once it is durable. */
  save(): Promise<void> {
    const write = async () => {
      this.state.files = this.tracker.entries();
      const signature = this.signature();
      await saveState(this.stateDir, this.state);
      this.savedSignature = signature;
      this.lastSaveAt = Date.now();
    };
    const result = this.chain.then(write, write);
    this.chain = result.catch(() => {});
    return result;
  }

  /** When the periodic write is due: infinity while no size or offset moved since the last write. */
  dueAt(): number {
    return this.signature() === this.savedSignature
      ? Number.POSITIVE_INFINITY
      : this.lastSaveAt + this.intervalMs;
  }

  /** Changes whenever a size or offset does: the periodic write is skipped while nothing moves. */
  private signature(): string {
    return this.tracker.files.map((f) => `${f.entry.id}:${f.size}:${f.entry.committed}`).join(',');
  }
}
