import { describe, expect, it } from 'vitest';
import { drawSchedule } from './schedule.ts';

describe('chaos schedules', () => {
  it('the same seed draws the same schedule, so a printed seed replays a round', () => {
    expect(drawSchedule(1234, 10)).toEqual(drawSchedule(1234, 10));
    expect(drawSchedule(1234, 10)).not.toEqual(drawSchedule(1235, 10));
  });

  it('every round rotates, kills the agent, and keeps its faults inside the load, in time order', () => {
    for (let seed = 0; seed < 200; seed++) {
      const { faults } = drawSchedule(seed, 10);
      const kinds = faults.map((f) => f.kind);
      expect(
        kinds.some((k) => ['rename', 'create', 'copytruncate', 'slow-copytruncate', 'refill'].includes(k)),
      ).toBe(true);
      expect(kinds).toContain('kill-agent');
      expect(faults.length).toBeGreaterThanOrEqual(5);
      expect(faults.length).toBeLessThanOrEqual(9);
      for (const [i, f] of faults.entries()) {
        expect(f.atMs).toBeGreaterThanOrEqual(500);
        expect(f.atMs).toBeLessThanOrEqual(9000);
        if (i > 0) expect(f.atMs).toBeGreaterThanOrEqual(faults[i - 1]!.atMs);
        if (f.againWithinMs !== undefined) expect(f.againWithinMs).toBeLessThanOrEqual(200);
      }
    }
  });
});
