/**
 * The provisioning contract: the shape of one step (inspect, then create or update what differs), the
 * options every step reads, and the lake's S3 locations and resource names. The Glue steps
 * (glue/provision/) and the Athena steps (athena/provision/) implement it and the orchestrator
 * (provision/index.ts) runs them; it lives apart from the orchestrator because the orchestrator imports
 * the steps, so the steps cannot import it.
 */
export * from './lake-names.ts';
export * from './options.ts';
export * from './schedule.ts';
export * from './step.ts';
