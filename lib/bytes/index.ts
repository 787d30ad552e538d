/**
 * Byte sizes: read from settings (`8MiB`, `512k`, `1000000`) and written for people (`117.7 MiB`).
 * `k`/`m`/`g` and `KiB`/`MiB`/`GiB` are powers of 1024, `KB`/`MB`/`GB` powers of 1000 (IEC 80000-13).
 */
import { ConfigError } from '../errors/index.ts';

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/**
 * `8MiB` → 8388608, `1.5k` → 1536, `10GB` → 10000000000 (whole bytes, rounded down).
 * @throws {ConfigError} naming `setting` when the text is not a size
 */
export function parseBytes(value: string, setting: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? BYTE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new ConfigError(`${setting}: ${JSON.stringify(value)} is not a size (e.g. 8MiB, 512KiB, 1000000)`);
  return Math.floor(Number(m[1]) * unit);
}

/**
 * A byte count as a setting is written, in the largest binary unit that divides it exactly: 16777216 →
 * `16MiB`, 65536 → `64KiB`, 1000 → `1000`. {@link parseBytes} reads it back to the same number; settings
 * tables show their defaults this way.
 */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

const FORMAT_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** `123456789` → `117.7 MiB`, `512` → `512 B`, `-2048` → `-2.0 KiB`: binary units, one decimal. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < FORMAT_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(1)} ${FORMAT_UNITS[unit]}`;
}
