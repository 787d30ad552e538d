/**
 * The `extra` policy: how fields without a canonical column are kept on a record, the same for every
 * format (docs/record.md, "extra"). Keys suit both Athena JSON SerDes (OpenX and Hive: lower-case,
 * unique keys) and the record stays bounded:
 *
 * - a key is the field's name as the format names it (the nginx variable, a JSON key, an Athena column
 *   name), lower-cased, every character outside `[a-z0-9_]` replaced by `_`, at most 64 characters;
 * - fields appended after a known layout have no name: they are `field_1`, `field_2`, … in line order;
 * - two names equal after that (`Foo` and `foo`, `a-b` and `a_b`): the first in line order keeps the
 *   name, later ones get `_2`, `_3`, … (the first free one);
 * - at most 32 fields, values at most 2048 characters. Fields beyond 32 are dropped and longer values
 *   truncated, and the record says how many in the reserved key `accesslake_dropped` (a decimal
 *   string); a source field of that name is renamed by the collision rule;
 * - nginx's `-` and empty values are absent values, not fields: they are left out and not counted.
 *
 * The map has no prototype, so `__proto__`, `constructor` and the like are ordinary keys.
 */

import type { ExtraFields } from '../../lake-contract/index.ts';

export type { ExtraFields };

export const EXTRA_POLICY = {
  maxFields: 32,
  maxKeyLength: 64,
  maxValueLength: 2048,
  /** Reserved: how many fields were dropped plus how many values were truncated. */
  droppedKey: 'accesslake_dropped',
} as const;

const PLAIN_KEY = /^[a-z0-9_]{1,64}$/;
const OUTSIDE_KEY_CHARS = /[^a-z0-9_]/gu;

/** A field name → its `extra` key before collisions are resolved: `X-Request-ID` → `x_request_id`. */
export function extraKeyOf(name: string): string {
  if (PLAIN_KEY.test(name)) return name;
  const key = name.toLowerCase().replace(OUTSIDE_KEY_CHARS, '_').slice(0, EXTRA_POLICY.maxKeyLength);
  return key === '' ? '_' : key;
}

/**
 * Collects one record's extra fields in line order. Created only when a line has a field to keep (the
 * common formats have none), so the hot path allocates nothing for it.
 */
export class ExtraCollector {
  private readonly fields: ExtraFields = Object.create(null) as ExtraFields;
  private count = 0;
  private dropped = 0;

  /** Adds a field under its policy key; `-` and empty values are skipped (nginx's "no value"). */
  add(name: string, value: string): void {
    if (value === '' || value === '-') return;
    if (this.count >= EXTRA_POLICY.maxFields) {
      this.dropped++;
      return;
    }
    let kept = value;
    if (kept.length > EXTRA_POLICY.maxValueLength) {
      kept = kept.slice(0, EXTRA_POLICY.maxValueLength);
      this.dropped++;
    }
    this.fields[this.freeKey(extraKeyOf(name))] = kept;
    this.count++;
  }

  /** The map, with `accesslake_dropped` when something did not fit; undefined when nothing was kept. */
  result(): ExtraFields | undefined {
    if (this.dropped > 0) this.fields[EXTRA_POLICY.droppedKey] = String(this.dropped);
    return this.count > 0 || this.dropped > 0 ? this.fields : undefined;
  }

  private freeKey(key: string): string {
    if (!this.taken(key)) return key;
    for (let n = 2; ; n++) {
      const suffix = `_${n}`;
      const candidate = key.slice(0, EXTRA_POLICY.maxKeyLength - suffix.length) + suffix;
      if (!this.taken(candidate)) return candidate;
    }
  }

  private taken(key: string): boolean {
    return key === EXTRA_POLICY.droppedKey || Object.hasOwn(this.fields, key);
  }
}
