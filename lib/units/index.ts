/** Human units in flags and env vars: `8MiB`, `512k`, `30s`, `1500ms`, `2m`. */
import { ConfigError } from '../errors/index.ts';

const BYTE_UNITS: Record<string, number> = {
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
const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  '': 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};

/** `8MiB` → 8388608. Throws ConfigError naming the setting. */
export function parseBytes(value: string, setting: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? BYTE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new ConfigError(`${setting}: ${JSON.stringify(value)} is not a size (e.g. 8MiB, 512KiB, 1000000)`);
  return Math.floor(Number(m[1]) * unit);
}

/** `30s` → 30000 ms; a bare number means seconds. Throws ConfigError naming the setting. */
export function parseDurationMs(value: string, setting: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? DURATION_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new ConfigError(`${setting}: ${JSON.stringify(value)} is not a duration (e.g. 30s, 500ms, 2m)`);
  return Math.round(Number(m[1]) * unit);
}

/** A whole number within bounds. Throws ConfigError naming the setting. */
export function parseInteger(value: string, setting: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${setting}: ${JSON.stringify(value)} is not a whole number from ${min} to ${max}`);
  }
  return Number(value);
}
