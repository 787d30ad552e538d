/**
 * A tiny stand-in for the Lambda front door, run as its own process by the runtime tests and the bench:
 * it loads the esbuild bundle of functions/ingest.ts (the deployed artifact) exactly as Lambda does, in
 * a fresh Node process whose environment is the function's configuration, and turns each HTTP request
 * into a Function URL or API Gateway HTTP API (v2) event and the handler's result back into HTTP.
 *
 *   node --import tsx lambda-shim.ts <bundle.mjs> <function-url|http-api>    # prints {"url": …}
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import {
  type FrontDoor,
  fromLambdaResult,
  type LambdaHttpResult,
  toLambdaEvent,
} from '../../../harness/index.ts';

const [bundlePath, door = 'function-url'] = process.argv.slice(2);
if (!bundlePath || (door !== 'function-url' && door !== 'http-api')) {
  console.error('usage: lambda-shim.ts <bundle.mjs> <function-url|http-api>');
  process.exit(2);
}
const { handler } = (await import(pathToFileURL(bundlePath).href)) as {
  handler: (event: unknown, context: unknown) => Promise<LambdaHttpResult>;
};
const context = {
  functionName: 'accesslake-ingest',
  awsRequestId: 'local',
  getRemainingTimeInMillis: () => 30_000,
};

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const event = toLambdaEvent(
    {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers,
      body: Buffer.concat(chunks),
      sourceIp: '127.0.0.1',
    },
    door as FrontDoor,
  );
  try {
    const answer = fromLambdaResult(await handler(event, context));
    res.writeHead(answer.status, answer.headers).end(answer.body);
  } catch (error) {
    // What the front door answers when the function itself fails.
    console.error(error);
    res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"Internal Server Error"}');
  }
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ message: 'lambda shim listening', url: `http://127.0.0.1:${port}`, door }));
});
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => server.close(() => process.exit(0)));
