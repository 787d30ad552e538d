/**
 * SQL values. Prefer bound parameters (`?`, `QueryOptions.params` in query/types.ts): DuckDB binds them
 * itself, and Athena takes them as ExecutionParameters, each of which is the literal's text
 * (https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html: "enclose
 * string values in single quotes"), so {@link sqlLiteral} is what an Athena parameter is made of. Where
 * no parameter can go (a file name in DuckDB's COPY … TO, a view's DDL, a table function's options),
 * {@link sqlLiteral} writes the value into the SQL text, the one place quoting is done.
 */

/** A value a query can be given: text, a number, a boolean, or NULL. */
export type SqlValue = string | number | boolean | null;

/**
 * The SQL literal of a value: strings in single quotes with quotes doubled (SQL-92; the same in DuckDB
 * and Trino), numbers and booleans as written, null as NULL.
 * @throws {RangeError} for a number that is not finite (SQL has no literal for it)
 * @example sqlLiteral("it's") === "'it''s'"
 */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError(`${value} has no SQL literal`);
  return String(value);
}
