/**
 * Real-process harness shared by the tests and the benches (so `bench/` never imports `test/`): start
 * and stop processes by PID (`startProcess`, `stopAllProcesses`, `waitFor`), the project's own ingest and
 * agent processes, nginx with a stub upstream, wrk, moto_server, a free 127.0.0.1 port, a lake reader
 * (folder or S3), and the Lambda event shapes of the two front doors. Dev tooling only: product code
 * never imports it (checked by dependency-cruiser: .dependency-cruiser.cjs).
 */
export * from './accesslake.ts';
export * from './free-port.ts';
export * from './lake.ts';
export * from './lambda-events.ts';
export * from './moto.ts';
export * from './nginx.ts';
export * from './process.ts';
export * from './wrk.ts';
