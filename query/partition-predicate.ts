/**
 * The partition predicate every query over `access_logs` carries, on both engines: a plain `year`
 * range, which partition projection can enumerate from and the Glue catalog can filter partitions by,
 * then the exact hours as `concat(year, month, day, hour)` (`YYYYMMDDHH`, partition values being
 * zero-padded strings). Without the plain range a projection table enumerates every hour of its
 * projected range and a crawler table fetches every partition: Athena prunes on predicates over the
 * partition columns themselves (https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html,
 * "Pruning and projection for heavily partitioned tables").
 */

/** `YYYYMMDDHH`, UTC. */
const HOUR_KEY = /^\d{10}$/;

/**
 * The predicate for the hours `fromHour`..`toHour` (inclusive, `YYYYMMDDHH`), as SQL literals.
 * Throws RangeError for anything but ten digits (the values come from code, this is the guard).
 *
 * @example
 * hourRangePredicate('2025010600', '2025011223')
 * // year BETWEEN '2025' AND '2025'
 * //   AND concat(year, month, day, hour) BETWEEN '2025010600' AND '2025011223'
 */
export function hourRangePredicate(fromHour: string, toHour: string, indent = '  '): string {
  for (const hour of [fromHour, toHour]) {
    if (!HOUR_KEY.test(hour)) throw new RangeError(`hour key ${JSON.stringify(hour)} is not YYYYMMDDHH`);
  }
  return `year BETWEEN '${fromHour.slice(0, 4)}' AND '${toHour.slice(0, 4)}'
${indent}AND concat(year, month, day, hour) BETWEEN '${fromHour}' AND '${toHour}'`;
}

/** The two parts a query must contain to be pruned by hour; the SQL checks in test/ use them. */
export const PRUNING_MARKERS = [/\byear BETWEEN\b/, /\bconcat\(year, month, day, hour\) BETWEEN\b/] as const;
