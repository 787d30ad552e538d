/**
 * The layout's rules, checked by `npm test` (`depcruise` before vitest); docs/architecture.md explains
 * them. A module is a top-level folder (each `lib/<name>/` is one too); its contract is its `index.ts`,
 * and nothing outside the module imports anything else of it. TypeScript is parsed with swc: TypeScript 7
 * has no JavaScript API for dependency-cruiser.
 */

/**
 * Files outsiders may import: every module's index, the ingest's two runtime-specific entries, and the
 * formats module's Node-only nginx.conf reader (kept apart so formats/index.ts stays web-standard), and
 * the provisioning contract the Glue and Athena steps implement (apart from the orchestrator
 * provision/index.ts, which imports those steps), and the agent's bundler (apart from
 * shipper-agent/index.ts so the agent bundle never loads esbuild).
 */
const ENTRY =
  '^([^/]+|lib/[^/]+)/index\\.ts$|^ingest/(node|glue)\\.ts$|^formats/nginx-conf/index\\.ts$|^provision/contract/index\\.ts$|^shipper-agent/build\\.ts$|^bin/';

/**
 * Known exceptions while issue 18 is carried out in parallel branches (remove each as its part lands):
 * - cli/: one option table per command; cli/main.ts <-> cli/commands/* (CommandRunner) is that work.
 * - glue/ and athena/: provisioning becomes one orchestrator over steps that import nothing from each
 *   other.
 */
const MOVING = '^(cli|glue|athena)/';

/**
 * Modules without an index yet, whose files others import directly; each needs an index.ts with its
 * contract (issue 18, not in the current branches): query/ (types, engines, named queries, imported by
 * reports/, up/, dashboard/, grafana/, compact/, functions/), reports/ (for functions/ and glue/),
 * grafana/ (panels, for dashboard/), rejects/ (for cli/), gen/ (for bench/), deploy/ (build-lambda, for
 * bench/), runtimes/ (the Lambda adapter, for functions/).
 */
const NO_INDEX_YET = '^(query|reports|grafana|rejects|gen|deploy|runtimes)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles: a module and its files form a DAG.',
      severity: 'error',
      from: { pathNot: MOVING },
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
        pathNot: [ENTRY, '^$1/', '^lib/', MOVING, NO_INDEX_YET, '^node_modules/'],
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
