import { describe, expect, it } from 'vitest';
import { busyTickFor, WakePolicy } from '../../../shipper-agent/wake/wake-policy.ts';

const options = { pollIntervalMs: 1000, minLookMs: 100, busyTickMs: 200, idleAfterMs: 1000, noisyEvents: 10 };

/** A policy after its first look at t=0 (start-up: discover, nothing grown). */
function started() {
  const policy = new WakePolicy(options);
  expect(policy.lookDue(0, false)).toEqual({ discover: true });
  expect(policy.looked(0, true, false)).toBeUndefined();
  return policy;
}

describe('wake policy', () => {
  it('idle: watches on, a look shortly after an event, the poll behind it', () => {
    const policy = started();
    expect(policy.isBusy).toBe(false);
    expect(policy.nextLookAt()).toBe(1000);
    expect(policy.lookDue(50, false)).toBeUndefined();
    // The first event asks the loop to reschedule; the look waits for the throttle.
    expect(policy.event('change')).toBe(true);
    expect(policy.event('change')).toBe(false);
    expect(policy.nextLookAt()).toBe(100);
    expect(policy.lookDue(60, false)).toBeUndefined();
    expect(policy.lookDue(100, false)).toEqual({ discover: false });
    // A rename or create event makes the look expand the patterns.
    const other = started();
    other.event('discover');
    expect(other.lookDue(100, false)).toEqual({ discover: true });
  });

  it('a grown file turns the watches off and the files are looked at on a timer, patterns included', () => {
    const policy = started();
    policy.event('change');
    expect(policy.looked(100, false, true)).toBe('unwatch');
    expect(policy.isBusy).toBe(true);
    expect(policy.nextLookAt()).toBe(300);
    expect(policy.lookDue(250, false)).toBeUndefined();
    // Every busy tick discovers: no inotify, so a rename or new file is found by looking.
    expect(policy.lookDue(300, false)).toEqual({ discover: true });
    expect(policy.looked(300, true, true)).toBeUndefined();
    expect(policy.nextLookAt()).toBe(500);
  });

  it('stamps bytes found at a busy tick with the previous look, at an idle look with now', () => {
    const policy = started();
    expect(policy.arrivedSince(100)).toBe(100);
    policy.looked(100, false, true);
    expect(policy.arrivedSince(300)).toBe(100);
    policy.looked(300, true, true);
    expect(policy.arrivedSince(520)).toBe(300);
  });

  it('stays busy while files grow, goes back to watches after a quiet second, then looks once more', () => {
    const policy = started();
    policy.looked(100, false, true);
    for (let t = 300; t <= 2100; t += 200) expect(policy.looked(t, true, true)).toBeUndefined();
    expect(policy.isBusy).toBe(true);
    // Quiet from 2100 on: still busy until a second has passed without growth.
    expect(policy.looked(2300, true, false)).toBeUndefined();
    expect(policy.looked(2900, true, false)).toBeUndefined();
    expect(policy.looked(3100, true, false)).toBe('watch');
    expect(policy.isBusy).toBe(false);
    // The follow-up look covers a write made before the watch was set.
    expect(policy.lookDue(3150, false)).toBeUndefined();
    expect(policy.lookDue(3200, false)).toEqual({ discover: false });
    expect(policy.looked(3200, false, true)).toBe('unwatch');
  });

  it('a noisy directory (many events, nothing tracked grew) also turns the watches off', () => {
    const policy = started();
    for (let i = 0; i < 9; i++) policy.event('change');
    expect(policy.looked(100, false, false)).toBeUndefined();
    for (let i = 0; i < 10; i++) policy.event('change');
    expect(policy.looked(200, false, false)).toBe('unwatch');
    expect(policy.looked(1200, true, false)).toBe('watch');
  });

  it('keeps the stat poll as the backstop in both modes, and looks often while stopping', () => {
    const policy = started();
    expect(policy.lookDue(999, false)).toBeUndefined();
    expect(policy.lookDue(1000, false)).toEqual({ discover: true });
    policy.looked(1000, true, false);
    expect(policy.lookDue(1050, true)).toBeUndefined();
    expect(policy.lookDue(1100, true)).toEqual({ discover: false });
  });

  it('ticks at a fifth of the batch age, within 100–250 ms', () => {
    expect(busyTickFor(1000)).toBe(200);
    expect(busyTickFor(100)).toBe(100);
    expect(busyTickFor(30_000)).toBe(250);
  });
});
