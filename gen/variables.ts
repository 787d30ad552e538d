/**
 * One generated request and its response → the nginx variables a log_format can use, spelled the way
 * nginx spells them: `$time_local` as `10/Jan/2025:14:31:02 +0000`, `$msec` as `1736519462.123`,
 * `$request_time` with three decimals. Times are written in UTC, as nginx does in a container.
 */
import type { Variables } from './log-format.ts';
import type { TrafficResponse } from './responses.ts';
import type { TrafficRequest } from './traffic.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Every variable {@link toVariables} fills: the ones `--format` may use. */
export const KNOWN_VARIABLES: ReadonlySet<string> = new Set([
  'remote_addr',
  'remote_user',
  'time_local',
  'time_iso8601',
  'msec',
  'request',
  'request_method',
  'request_uri',
  'uri',
  'args',
  'query_string',
  'server_protocol',
  'status',
  'body_bytes_sent',
  'bytes_sent',
  'request_length',
  'request_time',
  'http_user_agent',
  'http_referer',
  'http_cookie',
  'cookie_session',
  'host',
  'http_host',
  'server_name',
  'http_x_forwarded_for',
  'upstream_response_time',
  'upstream_addr',
  'upstream_status',
  'scheme',
  'connection',
]);

export function timeLocal(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export function timeIso8601(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

export function msec(ms: number): string {
  return `${Math.floor(ms / 1000)}.${pad(ms % 1000, 3)}`;
}

export interface VariableContext {
  /** `$host` / `$server_name`. */
  host: string;
  /** `$connection`, a running counter. */
  connection: number;
}

export function toVariables(
  request: TrafficRequest,
  response: TrafficResponse,
  context: VariableContext,
): Variables {
  const query = request.path.indexOf('?');
  const uri = query === -1 ? request.path : request.path.slice(0, query);
  const args = query === -1 ? undefined : request.path.slice(query + 1);
  const protocol = request.client.protocol;
  const headerBytes = 180 + (response.status === 200 ? 60 : 0);
  const upstream = response.upstreamResponseTime;
  return {
    remote_addr: request.client.ip,
    remote_user: undefined,
    time_local: timeLocal(request.time),
    time_iso8601: timeIso8601(request.time),
    msec: msec(request.time),
    request: `${request.method} ${request.path} ${protocol}`,
    request_method: request.method,
    request_uri: request.path,
    uri,
    args,
    query_string: args,
    server_protocol: protocol,
    status: String(response.status),
    body_bytes_sent: String(response.bodyBytes),
    bytes_sent: String(response.status === 499 ? 0 : response.bodyBytes + headerBytes),
    request_length: String(
      90 + request.path.length + request.client.userAgent.length + (request.referer?.length ?? 0),
    ),
    request_time: response.requestTime.toFixed(3),
    http_user_agent: request.client.userAgent || undefined,
    http_referer: request.referer,
    http_cookie: request.sessionId ? `session=${request.sessionId}` : undefined,
    cookie_session: request.sessionId,
    host: context.host,
    http_host: context.host,
    server_name: context.host,
    http_x_forwarded_for: request.client.forwardedFor,
    upstream_response_time: upstream,
    upstream_addr: upstream === undefined ? undefined : '10.0.1.12:8080',
    upstream_status:
      upstream === undefined ? undefined : String(response.status === 499 ? 200 : response.status),
    scheme: 'https',
    connection: String(context.connection),
  };
}
