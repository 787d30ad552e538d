/**
 * AWS failures in plain language, one mapping for every caller of the AWS SDK (Glue and Athena
 * provisioning, the Athena query engine, the ingest's Glue partition registrar): `toAwsError(error,
 * action, resource)` turns an SDK error into an {@link AwsError} that names the IAM action and resource,
 * says whether AWS throttled, and keeps AWS's own words in `cause`; `awsErrorCode(error)` reads the
 * service's error code (`EntityNotFoundException`, `AlreadyExistsException`…) for the cases a caller
 * handles itself.
 *
 * Import this index, never the files behind it (checked by dependency-cruiser: .dependency-cruiser.cjs).
 */
export { AwsError, awsErrorCode, toAwsError } from './errors.ts';
