import { describe, expect, it } from 'vitest';
import { type AgentRun, knowableLoss, parsePositions, type Truncation } from './loss-bound.ts';

const T0 = 1_700_000_000_000;
const options = { detectMs: 5000, guardMs: 1000 };
const at = (ms: number) => T0 + ms;
const position = (ms: number, size: number, readPos: number, ino = 7) => ({
  at: at(ms),
  dev: 1,
  ino,
  size,
  readPos,
});
const truncation = (
  startMs: number,
  endMs: number,
  copyBytes: number | undefined,
  reread = 0,
): Truncation => ({
  start: at(startMs),
  end: at(endMs),
  dev: 1,
  ino: 7,
  copyBytes,
  reread,
});

describe('the loss the agent could have known', () => {
  const run: AgentRun = {
    startedAt: at(0),
    endedAt: undefined,
    positions: [position(100, 400, 0), position(2000, 600, 600), position(3050, 1000, 600)],
  };

  it('is what it saw beyond the copy and beyond what it read', () => {
    expect(knowableLoss([truncation(3000, 3100, 800)], [run], options).bytes).toBe(200);
    // Read past the copy's end before the truncate: only the rest was lost.
    const further = { ...run, positions: [...run.positions, position(3080, 1000, 900)] };
    expect(knowableLoss([truncation(3000, 3100, 800)], [further], options).bytes).toBe(100);
  });

  it('leaves out the lines a refill wrote again: they are read again from 0', () => {
    expect(knowableLoss([truncation(3000, 3100, 800, 950)], [run], options).bytes).toBe(50);
  });

  it('counts nothing without a copy, or without one run up from before the copy until after', () => {
    expect(knowableLoss([truncation(3000, 3100, undefined)], [run], options).bytes).toBe(0);
    const killed = { ...run, endedAt: at(4000) };
    const result = knowableLoss([truncation(3000, 3100, 800)], [killed], options);
    expect(result.bytes).toBe(0);
    expect(result.details[0]).toMatch(/no agent run was up/);
    const late = { ...run, startedAt: at(3050) };
    expect(knowableLoss([truncation(3000, 3100, 800)], [late], options).bytes).toBe(0);
  });

  it('takes each truncation its own sizes: those logged just after an earlier one may predate it', () => {
    const positions = [
      position(3050, 1000, 600),
      // Logged just after the first truncate, taken before it: not the new content's size.
      position(3200, 1000, 600),
      position(6000, 300, 100),
    ];
    const twice = knowableLoss(
      [truncation(3000, 3100, 800), truncation(6100, 6150, 250)],
      [{ startedAt: at(0), endedAt: undefined, positions }],
      options,
    );
    expect(twice.details).toHaveLength(2);
    // 200 from the first; the second: seen 300 (not 1000), read 600 (generous): nothing knowable.
    expect(twice.bytes).toBe(200);
  });

  it('only uses the positions of the inode truncated', () => {
    const other = { ...run, positions: [position(3050, 5000, 0, 8)] };
    expect(knowableLoss([truncation(3000, 3100, 800)], [other], options).bytes).toBe(0);
  });
});

describe('the agent log positions', () => {
  it('come from the position lines only, a torn last line skipped', () => {
    const log = [
      JSON.stringify({
        time: new Date(at(5)).toISOString(),
        level: 'debug',
        message: 'position',
        path: '/a',
        dev: 1,
        ino: 7,
        size: 10,
        readPos: 4,
      }),
      JSON.stringify({
        time: new Date(at(6)).toISOString(),
        level: 'info',
        message: 'batch shipped',
        size: 3,
      }),
      '{"time":"2023-11-14T22:13:20.010Z","level":"debug","message":"position","dev":1,"ino":7,"si',
    ].join('\n');
    expect(parsePositions(log)).toEqual([{ at: at(5), dev: 1, ino: 7, size: 10, readPos: 4 }]);
  });
});
