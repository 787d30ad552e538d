/**
 * The shape every provisioned resource shares: look at what exists, compare it with what is wanted,
 * then create it, update it (only when asked), or leave it and say how it differs.
 */

/** One field that differs: what AWS has, what provision wants. */
export interface Change {
  field: string;
  actual: unknown;
  desired: unknown;
}

export type Inspection = { state: 'missing' } | { state: 'present'; changes: Change[] };

export interface ProvisionStep {
  /** `Glue crawler`, `Athena workgroup`… */
  kind: string;
  name: string;
  inspect(): Promise<Inspection>;
  create(): Promise<void>;
  /** Absent when the resource cannot be changed in place (the bucket). */
  update?(): Promise<void>;
  /** Why the resource cannot be created now (a missing role, no --create-bucket), if so. */
  blockedReason?(): string | undefined;
}

export type Outcome =
  | 'created'
  | 'would create'
  | 'unchanged'
  | 'updated'
  | 'would update'
  | 'differs'
  | 'blocked';

export interface StepReport {
  kind: string;
  name: string;
  outcome: Outcome;
  changes: Change[];
  note?: string;
}

/**
 * The fields of `desired` whose value differs in `actual`; fields AWS adds on its own are ignored.
 * Objects are compared field by field, arrays and scalars as a whole.
 */
export function diff(desired: unknown, actual: unknown, path = ''): Change[] {
  if (isPlainObject(desired)) {
    const actualObject = isPlainObject(actual) ? actual : {};
    return Object.entries(desired).flatMap(([key, value]) =>
      value === undefined ? [] : diff(value, actualObject[key], path ? `${path}.${key}` : key),
    );
  }
  return canonical(desired) === canonical(actual) ? [] : [{ field: path, actual, desired }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with sorted keys, so `{a, b}` equals `{b, a}`. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
