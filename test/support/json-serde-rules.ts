/**
 * What Athena's JSON SerDes require of a line in the lake, checked on the raw text (JSON.parse would
 * silently keep the last of two equal keys): one JSON object on one line, and no duplicate keys in any
 * object, compared case-insensitively, since the OpenX SerDe lower-cases keys before it checks and the
 * Hive SerDe matches columns case-insensitively. Both "do not allow duplicate keys in map or struct key
 * names" (https://docs.aws.amazon.com/athena/latest/ug/hive-json-serde.html,
 * https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html). For `extra`, the map column,
 * keys must also follow the `extra` policy (docs/record.md): `[a-z0-9_]`, at most 64 characters.
 */

const EXTRA_KEY = /^[a-z0-9_]{1,64}$/;

/** The keys of every object in `json`, per object, in order (a minimal scanner over valid JSON). */
export function objectKeys(json: string): string[][] {
  const out: string[][] = [];
  const stack: { keys: string[] | undefined; expectKey: boolean }[] = [];
  let i = 0;
  while (i < json.length) {
    const c = json[i]!;
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (top?.keys && top.expectKey) {
        top.keys.push(JSON.parse(json.slice(i, j + 1)) as string);
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === '{') {
      const keys: string[] = [];
      out.push(keys);
      stack.push({ keys, expectKey: true });
    } else if (c === '[') stack.push({ keys: undefined, expectKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack.at(-1);
      if (top?.keys) top.expectKey = true;
    }
    i++;
  }
  return out;
}

/** Why the JSON SerDes would refuse `line`; empty when they read it. */
export function jsonSerdeProblems(line: string): string[] {
  const problems: string[] = [];
  if (line.includes('\n')) problems.push('the line holds a newline');
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch (error) {
    return [...problems, `not JSON: ${(error as Error).message}`];
  }
  for (const keys of objectKeys(line)) {
    const seen = new Set<string>();
    for (const key of keys) {
      const folded = key.toLowerCase();
      if (seen.has(folded)) problems.push(`duplicate key ${JSON.stringify(key)} (case-insensitively)`);
      seen.add(folded);
    }
  }
  const extra = record.extra;
  if (extra !== undefined && extra !== null) {
    for (const [key, value] of Object.entries(extra as Record<string, unknown>)) {
      if (!EXTRA_KEY.test(key)) problems.push(`extra key ${JSON.stringify(key)} is not [a-z0-9_]{1,64}`);
      if (typeof value !== 'string') problems.push(`extra.${key} is not a string (map<string,string>)`);
    }
  }
  return problems;
}
