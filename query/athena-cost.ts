/** What an Athena query costs, from the bytes it scanned. */

/** Athena's on-demand price: $5 per TB scanned (https://aws.amazon.com/athena/pricing/). */
export const ATHENA_USD_PER_TB = 5;

/**
 * The price of one scan. Athena bills bytes rounded up to the next megabyte with a 10 MB minimum per
 * query, and nothing for a query that scanned nothing (DDL, failures); TB here is 2^40 bytes.
 */
export function athenaCostUsd(bytesScanned: number): number {
  if (bytesScanned <= 0) return 0;
  const mb = 1024 * 1024;
  const billed = Math.max(Math.ceil(bytesScanned / mb) * mb, 10 * mb);
  return (billed / 1024 ** 4) * ATHENA_USD_PER_TB;
}
