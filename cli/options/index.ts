/**
 * Every command's settings table, in the order docs/configuration.md shows them, and the generated
 * Markdown between `<!-- options:NAME -->` markers in {@link OPTIONS_DOCS}. `npm run docs:options`
 * rewrites those files; test/cli/options.test.ts fails when one is out of step with the tables.
 */
import { formatSettingsMarkdown, type SettingsTable } from '../../lib/settings/index.ts';
import type { CommandSpec } from '../args.ts';
import { AGENT_COMMAND, AGENT_STATUS_COMMAND } from './agent.ts';
import { COMPACT_COMMAND } from './compact.ts';
import { DASHBOARD_COMMAND } from './dashboard.ts';
import { GEN_COMMAND } from './gen.ts';
import { PROVISION_COMMAND } from './provision.ts';
import { QUERY_COMMAND } from './query.ts';
import { REJECTS_COMMAND } from './rejects.ts';
import { REPORT_COMMAND } from './report.ts';
import { SERVE_COMMAND } from './serve.ts';
import { UP_COMMAND } from './up.ts';

export const COMMAND_SPECS: readonly CommandSpec<SettingsTable>[] = [
  SERVE_COMMAND,
  AGENT_COMMAND,
  AGENT_STATUS_COMMAND,
  QUERY_COMMAND,
  REPORT_COMMAND,
  PROVISION_COMMAND,
  COMPACT_COMMAND,
  DASHBOARD_COMMAND,
  REJECTS_COMMAND,
  UP_COMMAND,
  GEN_COMMAND,
];

const marker = (name: string) => name.replaceAll(' ', '-');

/** The docs holding generated tables; configuration.md holds every command's, the others one each. */
export const OPTIONS_DOCS = [
  'docs/configuration.md',
  'docs/aws.md',
  'docs/dashboard.md',
  'docs/reports.md',
  'docs/agent.md',
] as const;

/**
 * `text` with each `<!-- options:NAME -->…<!-- /options:NAME -->` block replaced by the command's
 * generated table.
 * @param requireAll every command must have its block (docs/configuration.md)
 * @throws {Error} when `requireAll` and a command's markers are missing from `text`
 */
export function renderOptionsDocs(text: string, requireAll = true): string {
  let out = text;
  for (const spec of COMMAND_SPECS) {
    const open = `<!-- options:${marker(spec.name)} -->`;
    const close = `<!-- /options:${marker(spec.name)} -->`;
    const a = out.indexOf(open);
    const b = out.indexOf(close);
    if (a < 0 && !requireAll) continue;
    if (a < 0 || b < a) throw new Error(`no ${open} … ${close} block`);
    out = `${out.slice(0, a + open.length)}\n${formatSettingsMarkdown(spec.settings)}\n${out.slice(b)}`;
  }
  return out;
}
