/**
 * `accesslake up` settings: its settings table (lib/settings: flag, default, parser, help line, from
 * which the CLI's parsing, `--help` and docs/configuration.md come) and the cross-setting checks that
 * turn the resolved values into {@link UpOptions}.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../lib/errors/index.ts';
import { defineSettings, type SettingsOf } from '../lib/settings/index.ts';
import { parseDurationMs, parseInteger } from '../lib/units/index.ts';

const port = (raw: string, setting: string) => parseInteger(raw, setting, 1, 65535);
const duration = (raw: string, setting: string) => parseDurationMs(raw, setting);

/** `up` takes flags only: it is a demo run from a shell, with no environment of its own. */
export const UP_SETTINGS = defineSettings({
  port: { default: '8080', value: 'P', help: "ingest's port on 127.0.0.1", parse: port },
  'dashboard-port': {
    default: '8090',
    value: 'P',
    help: "the dashboard's port on 127.0.0.1, or off",
    parse: (raw, setting): number | undefined => (raw === 'off' ? undefined : port(raw, setting)),
  },
  lake: { default: './lake', value: 'DIR', help: 'the lake folder; run files go to DIR/.up/' },
  rate: {
    default: '20',
    value: 'R',
    help: 'generated requests per second, 0.1 to 5000',
    parse: (raw, setting) => {
      const rate = Number(raw);
      if (!Number.isFinite(rate) || rate < 0.1 || rate > 5000)
        throw new ConfigError(
          `${setting}: ${JSON.stringify(raw)} is not a number of requests per second from 0.1 to 5000`,
        );
      return rate;
    },
  },
  file: { value: 'PATH', help: 'tail this nginx access log instead of generating traffic' },
  format: {
    default: 'auto',
    value: 'F',
    help: 'the format of --file (auto: detected from its lines; json, combined, main or a log_format)',
  },
  duration: { value: 'D', help: 'stop after D (e.g. 30s), as Ctrl-C would', parse: duration },
  interval: {
    default: '5s',
    value: 'I',
    help: 'time between summaries, at least 500ms',
    parse: (raw, setting) => {
      const ms = parseDurationMs(raw, setting);
      if (ms < 500) throw new ConfigError(`${setting}: use at least 500ms`);
      return ms;
    },
  },
  seed: {
    value: 'N',
    help: 'the same N generates the same traffic, run after run (default: random, printed by gen)',
    parse: (raw, setting) => parseInteger(raw, setting, 0, 2 ** 32 - 1),
  },
  'batch-age': {
    default: '1s',
    value: 'A',
    help: "how long the agent lets lines wait before shipping them, 1s to 30s (the agent's production default is 30s: fewer, larger lake objects)",
    parse: (raw, setting) => {
      const ms = parseDurationMs(raw, setting);
      if (ms < 1000 || ms > 30_000) throw new ConfigError(`${setting}: use 1s to 30s`);
      return ms;
    },
  },
  'compact-every': {
    default: '5m',
    value: 'C',
    help: "compact the lake's closed hours into Parquet at start and every C (0: never), as accesslake compact does",
    parse: (raw, setting) => (raw === '0' ? 0 : parseDurationMs(raw, setting)),
  },
});

export type UpSettings = SettingsOf<typeof UP_SETTINGS>;

export interface UpOptions {
  port: number;
  /** Absolute lake folder. */
  lake: string;
  /** As the user wrote it, for messages (`./lake`). */
  lakeLabel: string;
  rate: number;
  /** A real access log to tail instead of generated traffic (absolute). */
  file: string | undefined;
  /** As the user wrote it, for messages. */
  fileLabel: string | undefined;
  format: string;
  /** Stop after this long; undefined = until Ctrl-C. */
  durationMs: number | undefined;
  intervalMs: number;
  seed: number | undefined;
  batchAgeMs: number;
  /** Compact the lake's closed hours at start and then this often; 0 = never. */
  compactEveryMs: number;
  /** The dashboard's port on 127.0.0.1; undefined with `--dashboard-port off`. */
  dashboardPort: number | undefined;
}

/**
 * Resolved settings → {@link UpOptions}.
 * @param given which flags the user wrote (`--rate` and `--seed` make no sense with `--file`)
 * @throws {ConfigError} `--rate` or `--seed` with `--file`
 */
export function resolveUpOptions(
  settings: UpSettings,
  given: { rate: boolean; seed: boolean },
  cwd = process.cwd(),
): UpOptions {
  if (settings.file !== undefined && (given.rate || given.seed))
    throw new ConfigError(
      '--rate and --seed shape generated traffic; with --file the log is tailed as it is',
    );
  return {
    port: settings.port,
    lake: resolve(cwd, settings.lake),
    lakeLabel: settings.lake,
    rate: settings.rate,
    file: settings.file === undefined ? undefined : resolve(cwd, settings.file),
    fileLabel: settings.file,
    format: settings.format,
    durationMs: settings.duration,
    intervalMs: settings.interval,
    seed: settings.seed,
    batchAgeMs: settings['batch-age'],
    compactEveryMs: settings['compact-every'],
    dashboardPort: settings['dashboard-port'],
  };
}
