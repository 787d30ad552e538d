/**
 * Reads what the ingest stored, from a lake folder or from S3 (moto), the way a user's query would see
 * it: every `access_logs/**.jsonl.gz` object, gunzipped, one canonical record per line. `count()` is cheap
 * enough to poll while the agent drains (objects are immutable per key, so each is read once);
 * `records()` yields every record for the final comparison.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { MOTO_CREDENTIALS, MOTO_REGION } from './moto.ts';

export interface LakeObject {
  key: string;
  bytes: number;
  /**
   * When it became visible, in ms: file lake: the inode's change time, which the driver's final
   * rename(2) sets (ext4, xfs, tmpfs); S3: LastModified (second precision on moto).
   */
  storedAtMs: number;
}

export interface LakeCount {
  objects: number;
  records: number;
  /** Compressed bytes of the data objects. */
  bytes: number;
  /** Lines under the rejects prefix: every nginx line is valid, so anything here is a bug. */
  rejectedLines: number;
}

export interface LakeReader {
  list(prefix: string): Promise<LakeObject[]>;
  read(key: string): Promise<Uint8Array>;
  count(): Promise<LakeCount>;
  /** Every data record, parsed. */
  records(): AsyncGenerator<Record<string, unknown>>;
}

/** A lake in a local folder (`accesslake serve --lake DIR`). */
export function fileLake(root: string): LakeReader {
  return createReader({
    async list(prefix) {
      const out: LakeObject[] = [];
      await walk(join(root, prefix), root, out);
      return out;
    },
    read: async (key) => new Uint8Array(await readFile(join(root, key))),
  });
}

/** A lake in S3 under `s3://bucket/prefix` at `endpoint` (moto). */
export function s3Lake(endpoint: string, bucket: string, prefix: string): LakeReader {
  const client = new S3Client({
    endpoint,
    region: MOTO_REGION,
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
  });
  const base = prefix ? `${prefix.replace(/\/+$/, '')}/` : '';
  return createReader({
    async list(sub) {
      const out: LakeObject[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: `${base}${sub}`, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          out.push({
            key: o.Key!.slice(base.length),
            bytes: o.Size ?? 0,
            storedAtMs: o.LastModified?.getTime() ?? 0,
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    async read(key) {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${base}${key}` }));
      return res.Body!.transformToByteArray();
    },
  });
}

function createReader(io: Pick<LakeReader, 'list' | 'read'>): LakeReader {
  // key → line count, remembered with the size and time it had; a retried batch rewrites the same key
  // with the same bytes, and a changed size or time makes it read again.
  const lineCounts = new Map<string, { stamp: string; lines: number }>();
  const countLines = async (o: LakeObject) => {
    const stamp = `${o.bytes}:${o.storedAtMs}`;
    const cached = lineCounts.get(o.key);
    if (cached?.stamp === stamp) return cached.lines;
    const text = gunzipSync(await io.read(o.key));
    let lines = 0;
    for (const byte of text) if (byte === 10) lines++;
    lineCounts.set(o.key, { stamp, lines });
    return lines;
  };

  return {
    ...io,
    async count() {
      const data = (await io.list('access_logs/')).filter((o) => o.key.endsWith('.jsonl.gz'));
      const rejects = await io.list('rejects/');
      let records = 0;
      let bytes = 0;
      for (const o of data) {
        records += await countLines(o);
        bytes += o.bytes;
      }
      let rejectedLines = 0;
      for (const o of rejects) rejectedLines += await countLines(o);
      return { objects: data.length, records, bytes, rejectedLines };
    },
    async *records() {
      for (const o of await io.list('access_logs/')) {
        if (!o.key.endsWith('.jsonl.gz')) continue;
        const text = new TextDecoder().decode(gunzipSync(await io.read(o.key)));
        for (const line of text.split('\n')) if (line) yield JSON.parse(line) as Record<string, unknown>;
      }
    },
  };
}

async function walk(dir: string, root: string, out: LakeObject[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, root, out);
    else if (entry.isFile() && !entry.name.startsWith('.tmp-')) {
      // A temp file renamed away between readdir and stat is simply not there yet.
      const info = await stat(path).catch(() => undefined);
      if (info) {
        const storedAtMs = Math.max(info.mtimeMs, info.ctimeMs);
        out.push({ key: relative(root, path), bytes: info.size, storedAtMs });
      }
    }
  }
}
