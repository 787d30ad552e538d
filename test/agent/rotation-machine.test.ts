/**
 * Every transition of the rotation state machine (shipper-agent/rotation.ts) and the rotated-sibling
 * names (siblings.ts), as pure functions. The agent-level behaviour is in rotation.test.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRotatedSibling, listRotatedSiblings } from '../../shipper-agent/finding/siblings.ts';
import {
  type CandidateFacts,
  CLOCK_SLACK_MS,
  candidateVerdict,
  contentChange,
  lostOnTruncation,
  nameTransition,
  truncation,
} from '../../shipper-agent/rotation/rotation.ts';
import { test } from './fixtures.ts';

const intact = {
  size: 100,
  sizeSeen: 100,
  readTo: 80,
  headMatches: true,
  anchorMatches: true,
  seenMatches: true,
};

describe('content of a tracked file', () => {
  it('grew / unchanged while the bytes read are still there', () => {
    expect(contentChange({ ...intact, size: 150 })).toBe('grew');
    expect(contentChange(intact)).toBe('unchanged');
  });
  it('truncated when shorter than what was read', () => {
    expect(contentChange({ ...intact, size: 50 })).toBe('truncated');
  });
  it('truncated when shorter than what was seen, even past the read offset (refilled)', () => {
    expect(contentChange({ ...intact, size: 90 })).toBe('truncated');
  });
  it('truncated when the first bytes changed', () => {
    expect(contentChange({ ...intact, size: 500, headMatches: false })).toBe('truncated');
  });
  it('truncated when the bytes before the read offset changed under the same first bytes', () => {
    expect(contentChange({ ...intact, size: 500, anchorMatches: false })).toBe('truncated');
  });
  it('truncated when the bytes before the size seen changed (refilled past it with the same first lines)', () => {
    expect(contentChange({ ...intact, size: 500, seenMatches: false })).toBe('truncated');
  });
});

describe('names of a tracked file', () => {
  it('active, no tailed path names it, links left: renamed-away → rotated', () => {
    expect(nameTransition('active', { named: false, links: 1 })).toEqual({
      name: 'renamed-away',
      to: 'rotated',
    });
  });
  it('active, no tailed path names it, no link left: deleted → rotated', () => {
    expect(nameTransition('active', { named: false, links: 0 })).toEqual({ name: 'deleted', to: 'rotated' });
  });
  it('rotated, a tailed path names it again: renamed-back → active', () => {
    expect(nameTransition('rotated', { named: true })).toEqual({ name: 'renamed-back', to: 'active' });
  });
  it('no transition when nothing changed, and copies stay copies', () => {
    expect(nameTransition('active', { named: true })).toBeUndefined();
    expect(nameTransition('rotated', { named: false, links: 1 })).toBeUndefined();
    expect(nameTransition('copy', { named: true })).toBeUndefined();
    expect(nameTransition('copy', { named: false, links: 1 })).toBeUndefined();
  });
});

describe('truncation', () => {
  it('copytruncated: the content goes on in the copy; an active file starts over', () => {
    expect(truncation('active', true, true)).toEqual({ name: 'copytruncated', restart: true, orphan: false });
  });
  it('truncated with a batch outstanding: an orphan keeps the entry until it is answered', () => {
    expect(truncation('active', false, true)).toEqual({ name: 'truncated', restart: true, orphan: true });
    expect(truncation('active', false, false)).toEqual({ name: 'truncated', restart: true, orphan: false });
  });
  it('a rotated or copy file does not start over: its new content is a sibling like any other', () => {
    expect(truncation('rotated', true, false).restart).toBe(false);
    expect(truncation('copy', false, false).restart).toBe(false);
  });
  it('lost: only the bytes seen beyond both the read offset and the copy', () => {
    expect(lostOnTruncation(1000, 400, undefined)).toBe(600);
    expect(lostOnTruncation(1000, 400, 1000)).toBe(0);
    expect(lostOnTruncation(1000, 400, 900)).toBe(100);
    expect(lostOnTruncation(1000, 1000, undefined)).toBe(0);
    // Bytes never seen (the copy is longer than the last size seen) are read, not lost.
    expect(lostOnTruncation(1000, 400, 1200)).toBe(0);
    // The first lines a refill wrote again are read again from the file, from 0.
    expect(lostOnTruncation(1000, 0, undefined, 300)).toBe(700);
    expect(lostOnTruncation(1000, 400, 900, 300)).toBe(100);
  });
});

describe('verdict on a file a scan found', () => {
  const sibling: CandidateFacts = {
    tailed: false,
    tracked: false,
    compressed: false,
    known: false,
    copyOfTracked: false,
    changedAt: 10_000,
    lastScanAt: 5_000,
    size: 100,
  };
  it('tracked and known content come first', () => {
    expect(candidateVerdict({ ...sibling, tracked: true })).toBe('tracked');
    expect(candidateVerdict({ ...sibling, known: true })).toBe('resume');
  });
  it('compressed files are never read', () => {
    expect(candidateVerdict({ ...sibling, compressed: true, known: true })).toBe('skip-compressed');
  });
  it('a copy of a file being read is skipped, under a tailed name too', () => {
    expect(candidateVerdict({ ...sibling, copyOfTracked: true })).toBe('skip-copy');
    expect(candidateVerdict({ ...sibling, tailed: true, copyOfTracked: true })).toBe('skip-copy');
  });
  it('a tailed path is read; a sibling only when it changed after the last scan', () => {
    expect(candidateVerdict({ ...sibling, tailed: true, changedAt: 0 })).toBe('new');
    expect(candidateVerdict(sibling)).toBe('new');
    expect(candidateVerdict({ ...sibling, changedAt: 5_000 - CLOCK_SLACK_MS - 1 })).toBe('skip-old');
  });
  it('with an empty state (never scanned) rotated siblings are not read', () => {
    expect(candidateVerdict({ ...sibling, lastScanAt: undefined })).toBe('skip-old');
  });
  it('an empty sibling waits (a copy may be being made); an empty tailed path is tailed', () => {
    expect(candidateVerdict({ ...sibling, size: 0 })).toBe('wait');
    expect(candidateVerdict({ ...sibling, size: 0, tailed: true })).toBe('new');
  });
});

describe('rotated sibling names', () => {
  const tailed = '/var/log/nginx/access.log';
  it.each([
    'access.log.1',
    'access.log.12',
    'access.log-20250110',
    'access.log-20250110-1736500000',
    'access.log.2025-01-10',
    'access.log_20250110',
    'access.log.old',
    'access-20250110.log',
    'access.1.log',
  ])('%s is a rotated sibling', (name) => {
    expect(isRotatedSibling(tailed, name)).toBe(true);
  });
  it.each([
    'access.log',
    'access.log.1.gz',
    'access.log-20250110.gz',
    'access.log.2.bz2',
    'access.log.3.xz',
    'access.log.4.zst',
    'access.log.bak',
    'error.log.1',
    'access.logger.1',
    'xaccess.log.1',
  ])('%s is not', (name) => {
    expect(isRotatedSibling(tailed, name)).toBe(false);
  });

  test('lists the siblings that exist, each with its tailed path', async ({ dir }) => {
    await mkdir(join(dir, 'sub'));
    for (const name of ['access.log', 'access.log.1', 'access.log.2.gz', 'other.log.1', 'error.log.1'])
      await writeFile(join(dir, name), 'x\n');
    const siblings = await listRotatedSiblings([join(dir, 'access.log'), join(dir, 'error.log')]);
    expect([...siblings]).toEqual([
      [join(dir, 'access.log.1'), join(dir, 'access.log')],
      [join(dir, 'error.log.1'), join(dir, 'error.log')],
    ]);
  });
});
