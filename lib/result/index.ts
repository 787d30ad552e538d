/**
 * The validation result every parser and validator returns at the edge (like Powertools' `safeParse`):
 * `{ success: true, data }` or `{ success: false, error }`, where `error` is a reason a person can act on.
 * The ingest turns a failure into a rejected line or a 400; nothing here throws.
 */

/** What a parser or validator returns for one line: the value, or a reason a person can act on. */
export type Result<T> = { success: true; data: T } | { success: false; error: string };

export const ok = <T>(data: T): Result<T> => ({ success: true, data });
export const fail = <T = never>(error: string): Result<T> => ({ success: false, error });
