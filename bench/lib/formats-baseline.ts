/**
 * The format parsers as they were at a pinned commit, loaded beside today's so `bench:formats` measures
 * both in the same process and the same minutes. Issues 15 and 21 name their speed target as a figure
 * (693k lines/s, 90% of the 770k measured at {@link BASELINE_COMMIT} on 2026-11-21); a figure from another
 * day on a shared machine says little, so the bench also runs the pinned implementation itself.
 *
 * The commit's tree is taken from git (`git archive`) into a temporary folder, not copied into the
 * repository: the pinned code stays exactly what was measured and adds no duplicate lines. A clone without
 * that commit (shallow) gets the reason instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** README: "figures from today's final bench runs" (2026-11-21), combined parse + validate 770,159 lines/s. */
export const NAMED_BASELINE_COMMIT = '895cffb';
/**
 * The commit the bench runs beside today's parsers: {@link NAMED_BASELINE_COMMIT} unless
 * `BENCH_FORMAT_BASELINE` names another (e.g. the commit before a change, for a before/after in one run).
 */
export const BASELINE_COMMIT = process.env.BENCH_FORMAT_BASELINE || NAMED_BASELINE_COMMIT;
/** What the issues ask of combined parse + validate, median of 5 runs: 90% of the 770k of the baseline. */
export const NAMED_TARGET_LINES_PER_SECOND = 693_000;

/** The two functions the bench calls, as the pinned commit exports them. */
export interface BaselineFormats {
  resolveLineParser(spec: string): { parse(line: string): { success: boolean; data?: unknown } };
  normalizeFields(fields: never, source: string): { success: boolean };
  /** Removes the temporary folder. */
  dispose(): Promise<void>;
}

/**
 * Loads the parsers of `commit` from this clone's git history.
 * @returns the parsers, or why they could not be loaded (no git, a shallow clone)
 */
export async function loadBaselineFormats(commit = BASELINE_COMMIT): Promise<BaselineFormats | string> {
  const dir = await mkdtemp(join(tmpdir(), `accesslake-formats-${commit}-`));
  try {
    // The whole tree, package.json included: its "type": "module" makes tsx load the files as ES modules,
    // as the bench loads ours.
    const archive = execFileSync('git', ['archive', '--format=tar', commit], {
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    // The registry moved from ingest/formats/ to formats/ (issue 18); a commit has one or the other.
    const registry = ['formats/index.ts', 'ingest/formats/index.ts'].find((path) =>
      existsSync(join(dir, path)),
    );
    if (registry === undefined)
      throw new Error(`${commit} has neither formats/index.ts nor ingest/formats/index.ts`);
    const formats = await import(pathToFileURL(join(dir, registry)).href);
    const records = await import(pathToFileURL(join(dir, 'ingest/records/normalize.ts')).href);
    return {
      resolveLineParser: formats.resolveLineParser,
      normalizeFields: records.normalizeFields,
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return `baseline ${commit} not loaded (${reason}); a shallow clone needs \`git fetch --unshallow\``;
  }
}
