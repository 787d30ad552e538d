import { fail, ok } from '../lib/result/index.ts';
import { hostOfEndpoint, splitAwsLine } from './aws-tokens.ts';
import type { FieldMap } from './field-values.ts';
import { positionalName } from './field-values.ts';
import type { LineParser } from './types.ts';

/**
 * Application Load Balancer access log entries in log order ("Access log entries",
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html).
 * `client:port` and `target:port` are one field each in the log; they are split below and named as the
 * Athena table in "Querying Application Load Balancer logs" names them. AWS appends fields over time:
 * the first 14 (through user_agent) are required, and fields after the last known one are kept as
 * `field_1`, `field_2`, … (the extra policy's positional names, ingest/records/extra.ts).
 */
export const ALB_FIELDS = [
  'type',
  'time',
  'elb',
  'client:port',
  'target:port',
  'request_processing_time',
  'target_processing_time',
  'response_processing_time',
  'elb_status_code',
  'target_status_code',
  'received_bytes',
  'sent_bytes',
  'request',
  'user_agent',
  'ssl_cipher',
  'ssl_protocol',
  'target_group_arn',
  'trace_id',
  'domain_name',
  'chosen_cert_arn',
  'matched_rule_priority',
  'request_creation_time',
  'actions_executed',
  'redirect_url',
  'lambda_error_reason',
  'target_port_list',
  'target_status_code_list',
  'classification',
  'classification_reason',
  'conn_trace_id',
  'transformed_host',
  'transformed_uri',
  'request_transform_status',
] as const;

const REQUIRED_FIELDS = 14;
/** Kept under their own names in `extra`; the others become canonical fields. */
const EXTRA_FROM = 14;

/**
 * `alb`: one ALB access log entry per line. Time, client IP, request (method, path and host from the
 * absolute URL, protocol), ELB status, sent bytes and user agent map onto the canonical record;
 * request_time is the sum of the three processing times (null when one is -1, i.e. the request never
 * reached a target), upstream_response_time is target_processing_time.
 */
export const albLineParser: LineParser = {
  name: 'alb',
  parse(line) {
    const split = splitAwsLine(line, 'alb');
    if (!split.success) return split;
    const v = split.data;
    if (v.length < REQUIRED_FIELDS) {
      return fail(`alb: expected at least ${REQUIRED_FIELDS} fields (through user_agent), got ${v.length}`);
    }
    const [type, time, elb, client, target, requestTime, targetTime, responseTime, status, targetStatus] = v;
    const [received, sent, request, userAgent] = v.slice(10, 14);
    const parts = splitRequest(request!);
    const fields: FieldMap = {
      time_iso8601: time,
      remote_addr: client === '-' ? client : hostOfEndpoint(client!),
      method: parts.method,
      path: parts.path,
      protocol: parts.protocol,
      host: parts.host,
      status,
      bytes_sent: sent,
      request_time: totalTime(requestTime!, targetTime!, responseTime!),
      upstream_response_time: targetTime === '-1' ? null : targetTime,
      user_agent: userAgent,
      type,
      elb,
      client_port: client === '-' ? null : client!.slice(client!.lastIndexOf(':') + 1),
      target_ip: target === '-' ? null : hostOfEndpoint(target!),
      target_port: target === '-' ? null : target!.slice(target!.lastIndexOf(':') + 1),
      request_processing_time: requestTime,
      target_processing_time: targetTime,
      response_processing_time: responseTime,
      target_status_code: targetStatus,
      received_bytes: received,
      request_url: parts.url,
    };
    const count = Math.min(v.length, ALB_FIELDS.length);
    for (let i = EXTRA_FROM; i < count; i++) fields[ALB_FIELDS[i]!] = v[i];
    for (let i = count; i < v.length; i++) fields[positionalName(i - count + 1)] = v[i];
    return ok(fields);
  },
};

interface RequestParts {
  method: string;
  url: string;
  path: string;
  protocol: string | null;
  host: string | null;
}

/** `GET https://www.example.com:443/p?q=1 HTTP/1.1` → method, path `/p?q=1`, host, protocol. */
function splitRequest(request: string): RequestParts {
  const first = request.indexOf(' ');
  const last = request.lastIndexOf(' ');
  const method = first === -1 ? request : request.slice(0, first);
  const url = first === -1 ? '' : last > first ? request.slice(first + 1, last) : request.slice(first + 1);
  const protocol = last > first ? request.slice(last + 1) : null;
  const scheme = url.indexOf('://');
  if (scheme === -1) return { method, url, path: url, protocol, host: null };
  const slash = url.indexOf('/', scheme + 3);
  const authority = slash === -1 ? url.slice(scheme + 3) : url.slice(scheme + 3, slash);
  const path = slash === -1 ? '/' : url.slice(slash);
  // The authority always carries the listener port (":443"); the Host header did not.
  const host = authority.startsWith('[')
    ? authority.slice(1, authority.indexOf(']'))
    : hostOfEndpoint(authority);
  return { method, url, path, protocol, host: host || null };
}

function totalTime(...parts: string[]): number | string | null {
  let sum = 0;
  for (const part of parts) {
    const seconds = Number(part);
    // -1: "the load balancer can't dispatch the request to a target" (or the target closed early).
    if (part === '' || part === '-' || !Number.isFinite(seconds)) return part;
    if (seconds < 0) return null;
    sum += seconds;
  }
  return Math.round(sum * 1e6) / 1e6;
}
