/**
 * Renders requests as nginx writes them, for any `log_format` string. The named formats are nginx's
 * `combined`, the `main` format of the stock nginx.conf, and `json` (nginx/accesslake-json.conf).
 *
 * Escaping follows ngx_http_log_module: by default `"`, `\` and bytes outside 0x20–0x7e become `\xHH`
 * and a variable that is not set becomes `-`; with `escape=json` the value is JSON-escaped and an unset
 * variable is empty. https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format
 */
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

type Part = { text: string } | { variable: string };

/**
 * Compiles a format spec. A log_format string may start with `escape=json ` (or `escape=default`,
 * `escape=none`) as in nginx.conf; variables are `$name` or `${name}`. `known` lists the variables the
 * caller can fill: anything else is a ConfigError naming it.
 */
export function compileLogFormat(spec: string, known: ReadonlySet<string>): LogFormat {
  const named = NAMED[spec.trim().toLowerCase()];
  let format = named?.format ?? spec;
  let escaping: Escape = named?.escape ?? 'default';
  const prefix = /^\s*escape=(default|json|none)\s+/.exec(format);
  if (prefix) {
    escaping = prefix[1] as Escape;
    format = format.slice(prefix[0].length);
  }

  const parts: Part[] = [];
  const pattern = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
  let last = 0;
  for (const match of format.matchAll(pattern)) {
    if (match.index > last) parts.push({ text: format.slice(last, match.index) });
    const variable = (match[1] ?? match[2]!).toLowerCase();
    if (!known.has(variable)) {
      throw new ConfigError(
        `--format: $${variable} is not a variable the generator can fill (it knows: ${[...known].sort().join(', ')})`,
      );
    }
    parts.push({ variable });
    last = match.index + match[0].length;
  }
  if (last < format.length) parts.push({ text: format.slice(last) });
  if (!parts.some((part) => 'variable' in part))
    throw new ConfigError(
      `--format: ${JSON.stringify(spec)} has no $variables: use json, combined, main or an nginx log_format string`,
    );

  const write = escaping === 'json' ? escapeJson : escaping === 'none' ? (v: string) => v : escapeDefault;
  const unset = escaping === 'default' ? '-' : '';
  return {
    name: spec,
    escape: escaping,
    variables: parts.flatMap((part) => ('variable' in part ? [part.variable] : [])),
    render(variables) {
      let line = '';
      for (const part of parts) {
        if ('text' in part) line += part.text;
        else {
          const value = variables[part.variable];
          line += value === undefined ? unset : write(value);
        }
      }
      return line;
    },
  };
}

// ngx_http_log_escape: `"`, `\` and bytes < 0x20 or > 0x7e → \xHH (UTF-8 bytes each escaped).
function escapeDefault(value: string): string {
  if (/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(value)) return value;
  let out = '';
  for (const byte of new TextEncoder().encode(value)) {
    out +=
      byte < 0x20 || byte > 0x7e || byte === 0x22 || byte === 0x5c
        ? `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(byte);
  }
  return out;
}

// ngx_escape_json: `"` and `\` get a backslash, control bytes the short forms or \u00XX; UTF-8 stays.
function escapeJson(value: string): string {
  return value.replace(/["\\\x00-\x1f]/g, (c) => {
    switch (c) {
      case '"':
        return '\\"';
      case '\\':
        return '\\\\';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\b':
        return '\\b';
      case '\f':
        return '\\f';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}
