import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandHelp, parseCommand } from '../../cli/args.ts';
import { AGENT_COMMAND } from '../../cli/options/agent.ts';
import { GEN_COMMAND } from '../../cli/options/gen.ts';
import { COMMAND_SPECS, OPTIONS_DOCS, renderOptionsDocs } from '../../cli/options/index.ts';
import { QUERY_COMMAND } from '../../cli/options/query.ts';
import { SERVE_SETTINGS } from '../../cli/options/serve.ts';
import { resolveIngestConfig } from '../../ingest/config.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { resolveProvisionOptions } from '../../provision/contract/index.ts';
import { resolveAgentConfig } from '../../shipper-agent/index.ts';

const TOKEN = { token: ['0123456789abcdef'] };

describe('options tables', () => {
  it.each(OPTIONS_DOCS)(
    '%s holds exactly the tables cli/options generates (npm run docs:options)',
    (path) => {
      const docs = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
      expect(docs).toContain('<!-- options:');
      expect(renderOptionsDocs(docs, path === 'docs/configuration.md')).toBe(docs);
    },
  );

  it("every command's --help lists every flag of its table once", () => {
    for (const spec of COMMAND_SPECS) {
      const help = commandHelp(spec);
      for (const flag of Object.keys(spec.settings))
        expect(
          help.match(new RegExp(`^ {2}(-\\w, )?--${flag}(?= |$)`, 'gm')),
          `${spec.name} --${flag}`,
        ).toHaveLength(1);
    }
  });

  it("serve's table defaults are resolveIngestConfig's defaults", () => {
    const none = resolveIngestConfig(TOKEN, {});
    for (const [flag, row] of Object.entries(SERVE_SETTINGS)) {
      if (!('default' in row) || flag === 'host' || flag === 'port') continue;
      expect(resolveIngestConfig({ ...TOKEN, [flag]: row.default }, {}), `--${flag}`).toEqual(none);
    }
  });

  it("serve's table names the environment variables resolveIngestConfig reads", () => {
    // Every checked setting refuses "!bad!", naming the variable it came from.
    const checked = Object.entries(SERVE_SETTINGS).filter(([flag]) =>
      /max-|timeout|log-level|register-partitions/.test(flag),
    );
    expect(checked.length).toBeGreaterThan(8);
    for (const [, row] of checked) {
      const variable = row.env![0]!;
      expect(() => resolveIngestConfig(TOKEN, { [variable]: '!bad!' }), variable).toThrow(variable);
    }
  });
});

describe('--max-lines', () => {
  it('sets the line cap of one batch from the flag or ACCESSLAKE_MAX_LINES', () => {
    expect(resolveIngestConfig(TOKEN, {}).maxLines).toBe(1_000_000);
    expect(resolveIngestConfig({ ...TOKEN, 'max-lines': '5000' }, {}).maxLines).toBe(5000);
    expect(resolveIngestConfig(TOKEN, { ACCESSLAKE_MAX_LINES: '7' }).maxLines).toBe(7);
    expect(() => resolveIngestConfig(TOKEN, { ACCESSLAKE_MAX_LINES: '0' })).toThrow(/^ACCESSLAKE_MAX_LINES/);
  });

  it('sets the event-hour cap of one batch from the flag or ACCESSLAKE_MAX_HOURS', () => {
    expect(resolveIngestConfig(TOKEN, {}).maxHours).toBe(744);
    expect(resolveIngestConfig({ ...TOKEN, 'max-hours': '24' }, {}).maxHours).toBe(24);
    expect(resolveIngestConfig(TOKEN, { ACCESSLAKE_MAX_HOURS: '48' }).maxHours).toBe(48);
    expect(() => resolveIngestConfig(TOKEN, { ACCESSLAKE_MAX_HOURS: 'lots' })).toThrow(
      /^ACCESSLAKE_MAX_HOURS/,
    );
  });
});

describe('provision settings', () => {
  it('name the variable a bad value came from, and default as the docs say', () => {
    expect(() =>
      resolveProvisionOptions({ lake: 's3://lake-bucket/p' }, { ACCESSLAKE_GLUE_DATABASE: 'Bad Name' }),
    ).toThrow(/^ACCESSLAKE_GLUE_DATABASE: "Bad Name" must be/);
    expect(() => resolveProvisionOptions({ lake: 's3://lake-bucket/p', workgroup: 'X' }, {})).toThrow(
      /^--workgroup: "X"/,
    );
    const o = resolveProvisionOptions({ lake: 's3://lake-bucket/p' }, {});
    expect(o).toMatchObject({
      bucket: 'lake-bucket',
      prefix: 'p',
      crawlerSchedule: 'cron(5 * * * ? *)',
      bytesScannedCutoff: 10 * 1024 ** 3,
      reportsBytesScannedCutoff: 100 * 1024 ** 3,
      tableMode: 'crawler',
      createBucket: false,
    });
  });
});

describe('a flag whose value starts with "-"', () => {
  const agent = ['--file', '/a.log', '--endpoint', 'http://127.0.0.1:8080', '--token', 'secret-token'];
  const flags = (argv: string[]) => {
    const parsed = parseCommand(AGENT_COMMAND, argv);
    if (parsed.help) throw new Error('unexpected --help');
    return parsed.flags;
  };

  it('takes it as the value, so the setting says what is wrong with it', async () => {
    const parsed = flags([...agent, '--batch-age', '-1s']);
    expect(parsed['batch-age']).toBe('-1s');
    await expect(resolveAgentConfig(parsed, {}, '/nonexistent/nginx.conf')).rejects.toThrow(
      new ConfigError('--batch-age: "-1s" is not a duration (e.g. 500ms, 30s, 2m, 6h, 7d)'),
    );
    // The same for a short flag, and for every command.
    expect(() => parseCommand(GEN_COMMAND, ['-o', '-x.log'])).not.toThrow();
    const query = parseCommand(QUERY_COMMAND, ['--from', '-2h', '--named', 'top-paths']);
    expect(!query.help && query.flags.from).toBe('-2h');
  });

  it('refuses another option of the command in the place of a value, naming both', () => {
    expect(() => flags(['--batch-age', '--endpoint', 'http://127.0.0.1:8080'])).toThrow(
      new ConfigError(
        '--batch-age needs a value (--batch-age D), but the next argument is the option --endpoint',
      ),
    );
    expect(() => flags(['--file', '-h'])).toThrow(/^--file needs a value \(--file PATH\), but the next/);
  });

  it('names the flag whose value is missing at the end', () => {
    expect(() => flags([...agent, '--batch-age'])).toThrow(
      new ConfigError('--batch-age needs a value (--batch-age D)'),
    );
  });
});
