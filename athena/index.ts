/**
 * The Athena side of the lake: the workgroups (query and reports, each with its bytes-scanned cutoff and
 * results location: workgroup.ts), the saved queries (`queries/*.sql`, the named queries that query/
 * renders and tests on DuckDB), and the provisioning steps that create the workgroups, the `access_logs`
 * view and the saved queries (provision/: steps of the provisioning contract in provision/contract/, run
 * by the orchestrator in provision/).
 *
 * The engine that runs SQL on Athena is query/'s (`createAthenaEngine`, query/engines/athena.ts): this
 * module defines Athena resources, query/ runs queries on them (docs/architecture.md says why the two
 * stay apart). Import this index, never the files behind it.
 */
export * from './provision/named-queries-step.ts';
export * from './provision/view-step.ts';
export * from './provision/workgroup-step.ts';
export * from './workgroup.ts';
