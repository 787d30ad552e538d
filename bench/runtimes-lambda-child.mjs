// Child process of bench/runtimes.ts: loads the Lambda bundle like a fresh Lambda container and
// reports the cold start (process start → first handler answer) and, optionally, warm invocations/s.
// argv: <bundle.mjs> <event.json> <warm invocations> <warm seconds cap>
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile, warmCount = '0', warmSeconds = '5'] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const importStart = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const first = await handler(event, {});
const coldMs = performance.now(); // since process start (performance.timeOrigin)
if (first.statusCode !== 200) throw new Error(`first invocation answered ${first.statusCode}: ${first.body}`);

let warm = 0;
const deadline = performance.now() + Number(warmSeconds) * 1000;
const warmStart = performance.now();
for (let i = 0; i < Number(warmCount) && performance.now() < deadline; i++) {
  const headers = { ...event.headers, 'idempotency-key': `bench-warm-${i.toString().padStart(8, '0')}` };
  const res = await handler({ ...event, headers }, {});
  if (res.statusCode !== 200) throw new Error(`warm invocation answered ${res.statusCode}`);
  warm++;
}
const warmMs = performance.now() - warmStart;
console.log(JSON.stringify({ coldMs, importToFirstMs: coldMs - importStart, warm, warmMs }));
