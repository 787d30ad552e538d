/**
 * `npm run bench:junk`: batches of junk lines (`x`, format json) through the whole ingest app: time to the
 * answer and the child's peak RSS, one child process per case so each peak is its own. The reject path
 * must be as bounded as the accept path: a 3,000,000-line batch once ran 4.5 minutes to a
 * `RangeError: Invalid string length` at ~2 GB RSS. `--timeout-s N` (default 120) stops a case that
 * does not answer. Past `maxLines` (1,000,000) a batch is 413 before any line is read.
 */
import { spawn } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { createIngestApp } from '../ingest/index.ts';
import { createMemoryStorage } from '../storage/index.ts';

const CASES = [200_000, 1_000_000, 3_000_000];

async function child(lines: number): Promise<void> {
  const app = createIngestApp({ tokens: ['bench-token-1'], storage: createMemoryStorage() });
  const body = new Uint8Array(gzipSync('x\n'.repeat(lines)));
  const started = performance.now();
  const res = await app.request('/v1/batches', {
    method: 'POST',
    body,
    headers: {
      Authorization: 'Bearer bench-token-1',
      'Content-Encoding': 'gzip',
      'Idempotency-Key': 'junk-batch-1',
      'X-Source': 'bench',
    },
  });
  const answer = (await res.json()) as { rejected?: number; error?: string };
  const seconds = (performance.now() - started) / 1000;
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({ status: res.status, rejected: answer.rejected, error: answer.error, seconds, rssMiB }),
  );
}

async function parent(): Promise<void> {
  const timeoutIndex = process.argv.indexOf('--timeout-s');
  const timeoutS = timeoutIndex === -1 ? 120 : Number(process.argv[timeoutIndex + 1]);
  console.log(`# junk lines through the ingest — node ${process.version}, ${new Date().toISOString()}`);
  console.log('| junk lines | decompressed | status | rejected | time to answer | peak RSS |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const lines of CASES) {
    const out = await new Promise<string>((resolve) => {
      const proc = spawn(
        process.execPath,
        ['--import', 'tsx', import.meta.filename, '--child', String(lines)],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let text = '';
      proc.stdout.on('data', (chunk) => {
        text += chunk;
      });
      proc.stderr.on('data', (chunk) => {
        text += chunk;
      });
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutS * 1000);
      proc.on('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
    });
    const last = out.trim().split('\n').at(-1) ?? '';
    let row: string;
    try {
      const r = JSON.parse(last) as { status: number; rejected?: number; seconds: number; rssMiB: number };
      row = `${r.status} | ${r.rejected ?? '-'} | ${r.seconds.toFixed(2)} s | ${r.rssMiB.toFixed(0)} MiB`;
    } catch {
      row = `no answer (${out.includes('Invalid string length') ? 'RangeError: Invalid string length' : `killed after ${timeoutS} s`}) | - | - | -`;
    }
    console.log(`| ${lines.toLocaleString('en')} | ${((lines * 2) / 1e6).toFixed(1)} MB | ${row} |`);
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex !== -1) await child(Number(process.argv[childIndex + 1]));
else await parent();
