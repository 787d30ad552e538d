/**
 * A lake written by the real ingest app (in process, file storage) from `accesslake gen` lines, for
 * tests that run queries over realistic data.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compileLogFormat, createGenerator, KNOWN_VARIABLES } from '../../gen/index.ts';
import { createIngestApp } from '../../ingest/app.ts';
import { createStorage } from '../../storage/index.ts';

const TOKEN = 'gen-lake-token';

export async function writeGenLake(options: {
  start: number;
  count: number;
  rate: number;
  seed?: number;
  /** Add to this lake instead of a new temporary one. */
  dir?: string;
  /** Makes the batches' Idempotency-Keys unique when adding to a lake more than once. */
  batchPrefix?: string;
}) {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'accesslake-genlake-')));
  const app = createIngestApp({ tokens: [TOKEN], storage: await createStorage(dir) });
  const generator = createGenerator({ seed: options.seed ?? 9, rate: options.rate, start: options.start });
  const format = compileLogFormat('json', KNOWN_VARIABLES);
  const batchSize = 2000;
  for (let sent = 0; sent < options.count; sent += batchSize) {
    const lines: string[] = [];
    for (let i = 0; i < Math.min(batchSize, options.count - sent); i++)
      lines.push(generator.render(generator.next(), format));
    const res = await app.request('/v1/batches', {
      method: 'POST',
      body: new Uint8Array(gzipSync(`${lines.join('\n')}\n`)),
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'Content-Encoding': 'gzip',
        'Idempotency-Key': `${options.batchPrefix ?? 'gen-lake'}-${sent}`,
        'X-Source': 'web-1',
        'X-Log-Format': 'json',
      },
    });
    const answer = (await res.json()) as { accepted: number; rejected: number };
    if (res.status !== 200 || answer.rejected !== 0)
      throw new Error(`ingest answered ${res.status}: ${JSON.stringify(answer)}`);
  }
  return dir;
}
