import { describe, expect, it } from 'vitest';
import { HeldBatches } from '../../../shipper-agent/batching/held-batches.ts';
import type { FileEntry } from '../../../shipper-agent/state/schema.ts';

const entry = (batchId: string | null) =>
  ({ pending: batchId ? { batchId, start: 0, end: 1, lines: 1 } : null }) as unknown as FileEntry;
const batch = (e: FileEntry, batchId: string, bytes: number) => ({
  entry: e,
  batchId,
  body: new Uint8Array(bytes),
});

describe('held batch bodies', () => {
  it("are the file's pending batch only, one per file, a newer one replacing it", () => {
    const held = new HeldBatches(100);
    const e = entry('b1');
    held.hold(batch(e, 'b1', 10));
    expect(held.pendingOf(e)?.batchId).toBe('b1');
    held.hold(batch(e, 'b2', 20));
    expect(held.pendingOf(e)).toBeUndefined();
    expect(held.heldBytes).toBe(20);
  });

  it('stay under their byte cap: a body that does not fit is not held (the range is read again)', () => {
    const held = new HeldBatches(100);
    const [a, b] = [entry('a'), entry('b')];
    held.hold(batch(a, 'a', 60));
    held.hold(batch(b, 'b', 60));
    expect(held.pendingOf(a)).toBeDefined();
    expect(held.pendingOf(b)).toBeUndefined();
    expect(held.heldBytes).toBe(60);
  });

  it('are let go once no pending range needs them', () => {
    const held = new HeldBatches(100);
    const e = entry('a');
    held.hold(batch(e, 'a', 30));
    e.pending = null;
    held.sweep();
    expect(held.heldBytes).toBe(0);
  });
});
