/**
 * Reads docker-compose.yml as Compose would (no Docker engine here): YAML, `<<` merge keys, and
 * `${VAR}`, `${VAR:-default}`, `${VAR:?message}`, `$$` interpolation from a .env-style file.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string } | string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

export function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

/** Variables the file references, with whether each has a default (`:-`) or must be set. */
export function referencedVariables(text: string): Map<string, 'default' | 'required' | 'plain'> {
  const found = new Map<string, 'default' | 'required' | 'plain'>();
  for (const m of text.replaceAll('$$', '').matchAll(/\$\{([A-Z_][A-Z0-9_]*)(:-|:\?)?[^}]*\}/g)) {
    const kind = m[2] === ':-' ? 'default' : m[2] === ':?' ? 'required' : 'plain';
    if (found.get(m[1]!) !== 'required') found.set(m[1]!, kind);
  }
  return found;
}

export function interpolate(text: string, env: Record<string, string>): string {
  return text
    .replace(
      /\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g,
      (_m, name: string, op?: string, arg?: string) => {
        const value = env[name];
        if (op === ':-') return value ? value : (arg ?? '');
        if (op === ':?' && !value) throw new Error(`${name}: ${arg}`);
        return value ?? '';
      },
    )
    .replaceAll('$$', '$');
}

export function loadCompose(path: string, env: Record<string, string>): ComposeFile {
  return parse(interpolate(readFileSync(path, 'utf8'), env), { merge: true }) as ComposeFile;
}

/** `--flag value` pairs of a command line. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i === -1 ? undefined : args[i + 1];
}
