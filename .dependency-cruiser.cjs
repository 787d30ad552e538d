/**
 * The layout's rules, checked by `npm test` (`depcruise` before vitest); docs/architecture.md explains
 * them. A module is a top-level folder (each `lib/<name>/` is one too); its contract is its `index.ts`,
 * and nothing outside the module imports anything else of it. TypeScript is parsed with swc: TypeScript 7
 * has no JavaScript API for dependency-cruiser.
 */

/**
 * Files outsiders may import: every module's index, the ingest's two runtime-specific entries, the
 * agent-only binary's entry cli/agent.ts (cli/index.ts's main lazily imports every command), the DuckDB
 * engine query/duckdb.ts (kept apart so the Lambdas' path to the Athena engine never loads DuckDB), the
 * formats module's Node-only nginx.conf reader (kept apart so formats/index.ts stays web-standard), and
 * the provisioning contract the Glue and Athena steps implement (apart from the orchestrator
 * provision/index.ts, which imports those steps), and the agent's bundler (apart from
 * shipper-agent/index.ts so the agent bundle never loads esbuild).
 */
const ENTRY =
  '^([^/]+|lib/[^/]+)/index\\.ts$|^ingest/(node|glue)\\.ts$|^cli/agent\\.ts$|^query/duckdb\\.ts$|^formats/nginx-conf/index\\.ts$|^provision/contract/index\\.ts$|^shipper-agent/build\\.ts$|^bin/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles: a module and its files form a DAG.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-deep-imports',
      comment:
        "Another module is imported only through its entry (index.ts). Tests may import their module's internals (white-box unit tests).",
      severity: 'error',
      from: { path: '^([^/]+)/', pathNot: '^test/' },
      to: {
        path: '^[^/]+/',
        pathNot: [ENTRY, '^$1/', '^lib/', '^node_modules/'],
        dependencyTypesNot: ['core'],
        couldNotResolve: false,
      },
    },
    {
      name: 'no-deep-imports-lib',
      comment: 'Each lib/<name>/ is its own module: other code imports lib/<name>/index.ts only.',
      severity: 'error',
      from: { path: '^(lib/[^/]+)/|^(?!lib/)', pathNot: '^test/' },
      to: { path: '^lib/[^/]+/', pathNot: ['^lib/[^/]+/index\\.ts$', '^$1/'] },
    },
    {
      name: 'lib-depends-on-nothing-else',
      comment: 'lib/ holds the small pieces every part shares; it imports nothing else of the project.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(?!lib/|node_modules/)[^/]+/', dependencyTypesNot: ['core'], couldNotResolve: false },
    },
    {
      name: 'no-test-in-product',
      comment:
        'test/ is imported by no product code (benches and tools included); shared harness is harness/.',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-harness-in-product',
      comment: 'harness/ is dev tooling for test/ and bench/ only.',
      severity: 'error',
      from: { pathNot: '^(test|bench|harness)/' },
      to: { path: '^harness/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|cdk\\.out|\\.tmp)/|^runtimes/workerd/dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    parser: 'swc',
  },
};
