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
  it("are the file's pending batch: the one before it let go once the next is sent", () => {
    const held = new HeldBatches(100);
    const e = entry('b1');
    held.hold(batch(e, 'b1', 10));
    held.sweep();
    expect(held.pendingOf(e)?.batchId).toBe('b1');
    // b1 taken by ingest; b2, prepared meanwhile, sent: its range is the pending one now.
    held.hold(batch(e, 'b2', 20));
    e.pending = { batchId: 'b2' } as FileEntry['pending'];
    held.sweep();
    expect(held.pendingOf(e)?.batchId).toBe('b2');
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
