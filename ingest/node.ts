/**
 * The ingest's Node-only entry: `startNodeServer(app, { host, port, … })` serves any `fetch` app
 * (the ingest, the dashboard) on node:http with header and body timeouts, and resolves once it listens
 * (throws `ListenError` naming the address). Kept out of index.ts so web-standard bundles never load it.
 */
export {
  ListenError,
  type NodeServerOptions,
  type RunningServer,
  startNodeServer,
} from './server/node-server.ts';
