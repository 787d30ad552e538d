/**
 * Lists in environment variables (`ACCESSLAKE_TOKENS=a,b`): comma- or newline-separated, the union of
 * what the ingest's tokens and the agent's files accepted before (a file of names pasted into a variable).
 */

/**
 * `" a, b ,,c\nd"` → `['a', 'b', 'c', 'd']`: items trimmed, empty items dropped; undefined or empty → `[]`.
 */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
