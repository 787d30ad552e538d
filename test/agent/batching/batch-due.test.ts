import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArrivalClock, dueReason, LineCounter } from '../../../shipper-agent/batching/batch-due.ts';
import { test } from '../fixtures.ts';

const policy = { maxBytes: 1000, maxLines: 10, maxAgeMs: 30_000 };

describe('when a batch closes', () => {
  it('closes on bytes, lines or age, whichever comes first; never on nothing', () => {
    expect(dueReason({ bytes: 0, lines: 0, oldestAt: 0 }, policy, 100_000, true)).toBeUndefined();
    expect(dueReason({ bytes: 1000, lines: 1, oldestAt: 100_000 }, policy, 100_000, false)).toBe('bytes');
    expect(dueReason({ bytes: 10, lines: 10, oldestAt: 100_000 }, policy, 100_000, false)).toBe('lines');
    expect(dueReason({ bytes: 10, lines: 1, oldestAt: 70_000 }, policy, 100_000, false)).toBe('age');
    expect(dueReason({ bytes: 10, lines: 1, oldestAt: 70_001 }, policy, 100_000, false)).toBeUndefined();
    expect(dueReason({ bytes: 10, lines: undefined, oldestAt: 99_000 }, policy, 100_000, true)).toBe('drain');
  });

  it('remembers when each stretch of bytes appeared, and forgets what was sent', () => {
    const clock = new ArrivalClock();
    clock.observe(100, 1000);
    clock.observe(250, 2000);
    clock.observe(250, 3000);
    expect(clock.oldestSince(0)).toBe(1000);
    expect(clock.oldestSince(100)).toBe(2000);
    expect(clock.oldestSince(250)).toBeUndefined();
  });

  it('keeps a bounded number of marks however often the file grows', () => {
    const clock = new ArrivalClock();
    for (let i = 1; i <= 10_000; i++) clock.observe(i * 10, i);
    expect(clock.oldestSince(0)).toBe(1);
    // The newest mark stretched: later bytes count as older (shipped sooner), never as newer.
    expect(clock.oldestSince(99_990)).toBeLessThan(10_000);
  });

  test('counts unsent lines as they arrive, for --batch-lines', async ({ dir }) => {
    const path = join(dir, 'access.log');
    await writeFile(path, 'a\nb\nc\nd\n');
    const handle = await open(path, 'r');
    const counter = new LineCounter(0);
    await counter.advance(handle, 8, Buffer.alloc(3));
    expect(counter.lines).toBe(4);
    counter.consume(4, 2);
    expect(counter.lines).toBe(2);
    await handle.close();
  });
});
