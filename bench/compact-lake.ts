/**
 * A generated raw lake for `npm run bench:compact`: `hosts` hosts each writing `objectsPerHour` gzipped
 * JSONL objects an hour (one per 30 s batch) of `recordsPerObject` canonical records, laid out exactly as
 * the ingest lays them out (lake-contract/layout.ts). Written straight to files, without the ingest's
 * per-object fsync, and WRITE_CONCURRENCY at a time: profiled, one write after another left the process
 * idle two thirds of the time waiting on open/write/close, so a 158,400-object run took minutes.
 * Seeded: the same lake every run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HourlyJsonLines } from '../ingest/index.ts';
import type { CanonicalRecord } from '../lake-contract/index.ts';
import { DEFAULT_PREFIXES, dataObjectKey } from '../lake-contract/index.ts';

export interface GenLakeShape {
  hosts: number;
  objectsPerHour: number;
  recordsPerObject: number;
  hours: number;
  /** The first hour's start. */
  start: number;
}

const PATHS = Array.from({ length: 300 }, (_, i) => `/${['api', 'static', 'shop', 'blog'][i % 4]}/item/${i}`);
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
  'curl/8.5.0',
  'Googlebot/2.1',
  'okhttp/4.12',
];
const STATUSES = [200, 200, 200, 200, 200, 200, 304, 301, 404, 500];
/** Files written at once (each is one open, write, close in libuv's thread pool). */
const WRITE_CONCURRENCY = 64;

export async function writeGenLake(
  dir: string,
  shape: GenLakeShape,
): Promise<{ objects: number; records: number; bytes: number }> {
  let seed = 42;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const made = new Set<string>();
  let objects = 0;
  let records = 0;
  let bytes = 0;
  const batchMs = 3_600_000 / shape.objectsPerHour;
  const writing = new Set<Promise<void>>();
  let failure: unknown;
  const write = async (path: string, body: Uint8Array) => {
    const done = writeFile(path, body).catch((error: unknown) => {
      failure ??= error;
    });
    writing.add(done);
    void done.then(() => writing.delete(done));
    if (writing.size >= WRITE_CONCURRENCY) await Promise.race(writing);
    if (failure !== undefined) throw failure;
  };
  for (let h = 0; h < shape.hours; h++) {
    for (let host = 0; host < shape.hosts; host++) {
      for (let b = 0; b < shape.objectsPerHour; b++) {
        const t0 = shape.start + h * 3_600_000 + b * batchMs;
        const lines = new HourlyJsonLines();
        for (let r = 0; r < shape.recordsPerObject; r++) {
          const ts = new Date(t0 + Math.floor((r * batchMs) / shape.recordsPerObject)).toISOString();
          const record: CanonicalRecord = {
            ts,
            remote_addr: `203.0.113.${Math.floor(rand() * 250)}`,
            method: rand() < 0.9 ? 'GET' : 'POST',
            path: PATHS[Math.floor(rand() ** 2 * PATHS.length)]!,
            protocol: 'HTTP/1.1',
            status: STATUSES[Math.floor(rand() * STATUSES.length)]!,
            bytes_sent: Math.floor(rand() * 50_000),
            request_time: Math.round(rand() ** 3 * 2000) / 1000,
            user_agent: AGENTS[Math.floor(rand() * AGENTS.length)]!,
            referer: null,
            session_id: null,
            host: 'www.example.com',
            x_forwarded_for: null,
            upstream_response_time: null,
            source: `web-${host}`,
          };
          lines.add(record);
        }
        for (const hour of lines.byHour()) {
          const key = dataObjectKey(DEFAULT_PREFIXES, hour.firstTs, `web-${host}`, `b${h}-${b}-bench`, 0);
          const path = join(dir, key);
          if (!made.has(dirname(path))) {
            await mkdir(dirname(path), { recursive: true });
            made.add(dirname(path));
          }
          const body = gzipSync(hour.jsonLines, { level: 6 });
          await write(path, body);
          objects++;
          bytes += body.byteLength;
        }
        records += shape.recordsPerObject;
      }
    }
  }
  await Promise.all(writing);
  if (failure !== undefined) throw failure;
  return { objects, records, bytes };
}
