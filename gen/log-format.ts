/**
 * Renders requests as nginx writes them, for any `log_format` string. The named formats are nginx's
 * `combined`, the `main` format of the stock nginx.conf, and `json` (nginx/accesslake-json.conf).
 *
 * Escaping follows ngx_http_log_module: by default `"`, `\` and bytes outside 0x20–0x7e become `\xHH`
 * and a variable that is not set becomes `-`; with `escape=json` the value is JSON-escaped and an unset
 * variable is empty. https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format
 */
import {
  type CompiledLogFormat,
  compileLogFormat as compileParser,
  LogFormatSyntaxError,
  renderLogLine,
  toLogFormatSpec,
} from '../formats/index.ts';
import { ConfigError } from '../lib/errors/index.ts';

export type Escape = 'default' | 'json' | 'none';

/** nginx variable name → value; `undefined` is "not found" (written `-`, or nothing with escape=json). */
export type Variables = Record<string, string | undefined>;

export interface LogFormat {
  /** The spec as given: `json`, `combined`, `main`, or the log_format string. */
  name: string;
  escape: Escape;
  /** Variable names the format uses, in order. */
  variables: readonly string[];
  render(variables: Variables): string;
}

/** nginx's predefined `combined` format. */
export const COMBINED_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/** The `main` format of the nginx.conf that nginx and its official Docker image ship. */
export const MAIN_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"';

/** `log_format accesslake_json escape=json …` of nginx/accesslake-json.conf, joined into one string. */
export const ACCESSLAKE_JSON_FORMAT =
  '{"ts":"$time_iso8601","msec":"$msec","remote_addr":"$remote_addr","method":"$request_method",' +
  '"path":"$request_uri","protocol":"$server_protocol","status":$status,"bytes_sent":$body_bytes_sent,' +
  '"request_time":$request_time,"user_agent":"$http_user_agent","referer":"$http_referer",' +
  '"session_id":"$cookie_session","host":"$host","x_forwarded_for":"$http_x_forwarded_for",' +
  '"upstream_response_time":"$upstream_response_time"}';

const NAMED: Record<string, { format: string; escape: Escape }> = {
  json: { format: ACCESSLAKE_JSON_FORMAT, escape: 'json' },
  combined: { format: COMBINED_FORMAT, escape: 'default' },
  main: { format: MAIN_FORMAT, escape: 'default' },
};

/**
 * Compiles a format spec for rendering. A log_format string may start with `escape=json ` (or
 * `escape=default`, `escape=none`) as in nginx.conf; variables are `$name` or `${name}`. The spec is read
 * by the same compiler the ingest parses with (formats/), so the generator can only write lines
 * the ingest can read. `known` lists the variables the caller can fill: anything else is a ConfigError.
 */
export function compileLogFormat(spec: string, known: ReadonlySet<string>): LogFormat {
  const named = NAMED[spec.trim().toLowerCase()];
  let compiled: CompiledLogFormat;
  try {
    compiled = compileParser(named ? toLogFormatSpec(named.escape, named.format) : spec, spec);
  } catch (error) {
    if (error instanceof LogFormatSyntaxError) {
      throw new ConfigError(
        `--format: ${error.message}: use json, combined, main or an nginx log_format string`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  const unknown = compiled.variables.find((variable) => !known.has(variable));
  if (unknown !== undefined) {
    throw new ConfigError(
      `--format: $${unknown} is not a variable the generator can fill (it knows: ${[...known].sort().join(', ')})`,
    );
  }
  return {
    name: spec,
    escape: compiled.escape,
    variables: compiled.variables,
    render: (variables) => renderLogLine(compiled, variables),
  };
}
