/** `npm run bench`: the ingest and gzip benchmarks of issue 2, printed as Markdown tables. */
import { benchGzip, benchIngest } from './ingest.ts';

console.log(`# accesslake bench — node ${process.version}, ${new Date().toISOString()}`);
await benchGzip();
await benchIngest();
