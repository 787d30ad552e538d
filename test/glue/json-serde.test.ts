/**
 * The lake's lines against the table's JSON SerDe: the projection table reads them with the Hive JSON
 * SerDe (glue/projection-table.ts), and lines the real ingest writes for a log whose fields collide
 * after lower-casing (`Foo` and `foo`, `A-B` and `a_b`) have unique, policy-shaped `extra` keys, so
 * neither SerDe refuses them. moto runs no SQL; this is as close to the SerDe as it gets here.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SERDE } from '../../glue/projection-table.ts';
import { createIngestApp } from '../../ingest/app.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';
import { jsonSerdeProblems, objectKeys } from '../support/json-serde-rules.ts';

describe('lake lines and the JSON SerDe', () => {
  it('the projection table uses the Hive JSON SerDe', () => {
    expect(SERDE).toBe('org.apache.hive.hcatalog.data.JsonSerDe');
  });

  it('what ingest writes for colliding field names has unique keys the SerDes accept', async () => {
    const storage = createMemoryStorage();
    const app = createIngestApp({ tokens: [TOKEN], storage });
    const colliding = jsonLine({ Foo: 'first', foo: 'second', 'A-B': 'x', a_b: 'y', 'X-Request-ID': 'r1' });
    const response = await app.fetch(
      new Request('http://ingest.test/v1/batches', batchRequest(gzipLines([colliding, jsonLine()]))),
    );
    expect(response.status).toBe(200);
    const keys = await storage.list('access_logs/');
    expect(keys.length).toBeGreaterThan(0);
    const objects = await Promise.all(keys.map((key) => storage.get(key)));
    const text = objects.map((bytes) => gunzipSync(bytes!).toString('utf8')).join('');
    const written = text.split('\n').filter(Boolean);
    expect(written).toHaveLength(2);
    for (const line of written) expect(jsonSerdeProblems(line), line).toEqual([]);
    const extra = (JSON.parse(written.find((l) => l.includes('first'))!) as { extra: object }).extra;
    expect(extra).toEqual({ foo: 'first', foo_2: 'second', a_b: 'x', a_b_2: 'y', x_request_id: 'r1' });
  });

  it('the check refuses what the SerDes refuse: Foo and foo in one map, a key outside the policy', () => {
    expect(jsonSerdeProblems('{"ts":"t","extra":{"Foo":"1","foo":"2"}}')).toEqual([
      'duplicate key "foo" (case-insensitively)',
      'extra key "Foo" is not [a-z0-9_]{1,64}',
    ]);
    expect(jsonSerdeProblems('{"ts":"t","TS":"u"}')).toEqual(['duplicate key "TS" (case-insensitively)']);
    expect(objectKeys('{"a":{"b":[{"c":1},"d,e"],"f":"g"},"h":null}')).toEqual([
      ['a', 'h'],
      ['b', 'f'],
      ['c'],
    ]);
  });
});
