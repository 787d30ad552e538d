import { describe, expect, it } from 'vitest';
import { pickLakeLocation } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { splitList } from '../../lib/list/index.ts';
import {
  defineSettings,
  formatSettingsHelp,
  formatSettingsMarkdown,
  oneOf,
  parseArgsOptions,
  resolveSettings,
} from '../../lib/settings/index.ts';
import { parseInteger } from '../../lib/units/index.ts';

const TABLE = defineSettings({
  port: {
    env: ['APP_PORT', 'PORT'],
    default: '8080',
    value: 'P',
    help: 'port',
    parse: (raw, setting) => parseInteger(raw, setting, 1, 65535),
  },
  lake: {
    env: ['APP_LAKE'],
    value: 'DIR',
    help: 'the lake',
    deprecated: { flag: 'storage', env: 'APP_STORAGE', note: 'the same folder' },
  },
  token: { multiple: true, env: ['APP_TOKENS'], value: 'T', help: 'tokens' },
  engine: { default: 'duckdb', value: 'E', help: 'engine', parse: oneOf(['duckdb', 'athena']) },
  'dry-run': { type: 'boolean', help: 'change nothing' },
});

describe('resolveSettings', () => {
  it('takes the flag over the environment, the first variable over the next, then the default', () => {
    expect(resolveSettings(TABLE, { port: '1' }, { APP_PORT: '2', PORT: '3' }).values.port).toBe(1);
    expect(resolveSettings(TABLE, {}, { APP_PORT: '2', PORT: '3' }).values.port).toBe(2);
    expect(resolveSettings(TABLE, {}, { PORT: '3' }).values.port).toBe(3);
    const none = resolveSettings(TABLE, {}, {});
    expect(none.values).toEqual({
      port: 8080,
      lake: undefined,
      token: [],
      engine: 'duckdb',
      'dry-run': false,
    });
    expect(none.sources.port).toBeUndefined();
  });

  it('names the setting a bad value came from', () => {
    expect(() => resolveSettings(TABLE, { port: 'x' }, {})).toThrow(/^--port: "x"/);
    expect(() => resolveSettings(TABLE, {}, { PORT: 'x' })).toThrow(/^PORT: "x"/);
    expect(() => resolveSettings(TABLE, { engine: 'presto' }, {})).toThrow(
      new ConfigError('--engine: "presto" is not duckdb or athena'),
    );
  });

  it("splits a repeatable setting's variable and keeps the flag's values", () => {
    expect(resolveSettings(TABLE, {}, { APP_TOKENS: 'a, b,,c' }).values.token).toEqual(['a', 'b', 'c']);
    expect(resolveSettings(TABLE, { token: ['x'] }, { APP_TOKENS: 'a' }).values.token).toEqual(['x']);
  });

  it('keeps deprecated names working, with a note, and refuses both names disagreeing', () => {
    const flag = resolveSettings(TABLE, { storage: '/old' }, {});
    expect(flag.values.lake).toBe('/old');
    expect(flag.sources.lake).toBe('--storage');
    expect(flag.deprecations).toEqual(['--storage is deprecated: use --lake (the same folder)']);
    const variable = resolveSettings(TABLE, {}, { APP_STORAGE: '/env-old' });
    expect(variable.values.lake).toBe('/env-old');
    expect(variable.deprecations).toEqual(['APP_STORAGE is deprecated: use APP_LAKE (the same value)']);
    expect(resolveSettings(TABLE, {}, { APP_LAKE: '/new', APP_STORAGE: '/old' }).values.lake).toBe('/new');
    expect(() => resolveSettings(TABLE, { lake: '/a', storage: '/b' }, {})).toThrow(/disagree/);
  });

  it("reads a switch's environment variable as true/1 or false/0, the flag first", () => {
    const table = defineSettings({ email: { type: 'boolean', env: ['APP_EMAIL'], help: 'mail it' } });
    expect(resolveSettings(table, {}, {}).values.email).toBe(false);
    expect(resolveSettings(table, {}, { APP_EMAIL: 'true' }).values.email).toBe(true);
    expect(resolveSettings(table, {}, { APP_EMAIL: '1' }).values.email).toBe(true);
    expect(resolveSettings(table, {}, { APP_EMAIL: '0' }).values.email).toBe(false);
    expect(resolveSettings(table, { email: true }, { APP_EMAIL: 'false' }).values.email).toBe(true);
    expect(resolveSettings(table, {}, { APP_EMAIL: 'true' }).sources.email).toBe('APP_EMAIL');
    expect(() => resolveSettings(table, {}, { APP_EMAIL: 'yes' })).toThrow(
      new ConfigError('APP_EMAIL="yes" must be true or false'),
    );
  });

  it('gives parseArgs every flag with its kind, the deprecated alias included', () => {
    expect(parseArgsOptions(TABLE)).toEqual({
      port: { type: 'string' },
      lake: { type: 'string' },
      storage: { type: 'string' },
      token: { type: 'string', multiple: true },
      engine: { type: 'string' },
      'dry-run': { type: 'boolean' },
    });
  });
});

describe('generated help and docs', () => {
  it('writes one help line per setting with its environment and default', () => {
    const help = formatSettingsHelp(TABLE);
    expect(help.split('\n')).toHaveLength(5);
    expect(help).toContain('--port P');
    expect(help).toMatch(/--port P\s+port \(env APP_PORT, PORT; default 8080\)/);
    expect(help).toMatch(/--lake DIR\s+the lake \(env APP_LAKE; old name --storage\)/);
    expect(help).toMatch(/--dry-run\s+change nothing$/m);
  });

  it('writes one Markdown row per setting', () => {
    const md = formatSettingsMarkdown(TABLE).split('\n');
    expect(md[0]).toBe('| flag | environment | default | meaning |');
    expect(md).toContain('| `--port` | `APP_PORT`, `PORT` | `8080` | port |');
    expect(md).toContain('| `--lake` (old: `--storage`) | `APP_LAKE` (old: `APP_STORAGE`) |  | the lake |');
    expect(md).toContain('| `--token` (repeatable) | `APP_TOKENS` (comma-separated) |  | tokens |');
  });
});

describe('pickLakeLocation', () => {
  it('reads --lake, its alias and both variables as before', () => {
    expect(pickLakeLocation({ lake: './a' }, { ACCESSLAKE_LAKE: './b' })).toEqual({
      value: './a',
      setting: '--lake',
      deprecations: [],
    });
    expect(pickLakeLocation({}, { ACCESSLAKE_STORAGE: 's3://b/p' })).toEqual({
      value: 's3://b/p',
      setting: 'ACCESSLAKE_STORAGE',
      deprecations: ['ACCESSLAKE_STORAGE is deprecated: use ACCESSLAKE_LAKE (the same value)'],
    });
  });
});

describe('splitList', () => {
  it('splits on commas and newlines, trimming and dropping empty items', () => {
    expect(splitList(' a, b ,,c\nd\n')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList(undefined)).toEqual([]);
    expect(splitList('')).toEqual([]);
  });
});
