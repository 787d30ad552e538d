import { fail, ok, type Result } from '../lib/result/index.ts';
import { splitAwsLine } from './aws-tokens.ts';
import type { FieldMap } from './field-values.ts';
import { positionalName } from './field-values.ts';
import type { LineParser } from './types.ts';

/**
 * Amazon S3 server access log fields in log order, named as the Athena table in the AWS docs names them
 * ("Using Amazon S3 server access logs to identify requests",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-s3-access-logs-to-identify-requests.html;
 * field meanings: https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html). AWS appends new
 * fields at the end over time, so only the first 18 are required; fields after the last known one are
 * kept as `field_1`, `field_2`, … (the extra policy's positional names, ingest/records/extra.ts).
 */
export const S3_FIELDS = [
  'bucketowner',
  'bucket_name',
  'requestdatetime',
  'remoteip',
  'requester',
  'requestid',
  'operation',
  'key',
  'request_uri',
  'httpstatus',
  'errorcode',
  'bytessent',
  'objectsize',
  'totaltime',
  'turnaroundtime',
  'referrer',
  'useragent',
  'versionid',
  'hostid',
  'sigv',
  'ciphersuite',
  'authtype',
  'endpoint',
  'tlsversion',
  'accesspointarn',
  'aclrequired',
  'sourceregion',
] as const;

const REQUIRED_FIELDS = 18;
const INDEX = Object.fromEntries(S3_FIELDS.map((name, i) => [name, i])) as Record<
  (typeof S3_FIELDS)[number],
  number
>;

/** Fields that become canonical ones; the rest are kept under their Athena names in `extra`. */
const MAPPED = new Set<string>([
  'requestdatetime',
  'remoteip',
  'request_uri',
  'httpstatus',
  'bytessent',
  'totaltime',
  'referrer',
  'useragent',
  'endpoint',
]);

/**
 * `s3`: one S3 server access log record per line. Time, client IP, request line, status, bytes, total
 * time (ms → s), referrer, user agent and endpoint (the Host header) map onto the canonical record.
 * Records without an HTTP request (lifecycle transitions, `-` request URI) are rejected with the reason.
 */
export const s3LineParser: LineParser = {
  name: 's3',
  parse(line) {
    const split = splitS3Line(line);
    if (!split.success) return split;
    const values = split.data;
    if (values.length < REQUIRED_FIELDS) {
      return fail(
        `s3: expected at least ${REQUIRED_FIELDS} fields (through versionid), got ${values.length}`,
      );
    }
    const field = (name: (typeof S3_FIELDS)[number]) => values[INDEX[name]];
    const totalTime = field('totaltime');
    const bytes = field('bytessent');
    const fields: FieldMap = {
      time_local: field('requestdatetime'),
      remote_addr: field('remoteip'),
      request: field('request_uri'),
      status: field('httpstatus'),
      // S3 writes "-" for zero bytes sent.
      bytes_sent: bytes === '-' ? '0' : bytes,
      request_time: totalTime !== undefined && /^\d+$/.test(totalTime) ? Number(totalTime) / 1000 : totalTime,
      referer: field('referrer'),
      user_agent: field('useragent'),
      host: field('endpoint'),
    };
    const count = Math.min(values.length, S3_FIELDS.length);
    for (let i = 0; i < count; i++) {
      const name = S3_FIELDS[i]!;
      if (!MAPPED.has(name)) fields[name] = values[i];
    }
    for (let i = count; i < values.length; i++) fields[positionalName(i - count + 1)] = values[i];
    return ok(fields);
  },
};

/** What follows the request line: `" httpstatus errorcode bytessent objectsize totaltime turnaroundtime "`. */
const AFTER_REQUEST = /" (?:\d{3}|-) \S+ (?:\d+|-) (?:\d+|-) (?:\d+|-) (?:\d+|-) "/y;

/**
 * S3 writes the request line raw, quotes included (`"GET /b/k"ey HTTP/1.1"`), so its closing quote is
 * the first one followed by the fields that always come after it (status, error code, four numbers and
 * the quoted referrer), not the first `" `. The other fields split as in every AWS log.
 */
function splitS3Line(line: string): Result<string[]> {
  const head = splitAwsLine(line, 's3', { limit: INDEX.request_uri });
  if (!head.success || head.end === undefined || line.charCodeAt(head.end) !== 0x22) {
    return head.success && head.end !== undefined ? splitAwsLine(line, 's3') : head;
  }
  const start = head.end;
  for (let close = line.indexOf('" ', start + 1); close !== -1; close = line.indexOf('" ', close + 1)) {
    AFTER_REQUEST.lastIndex = close;
    if (!AFTER_REQUEST.test(line)) continue;
    const tail = splitAwsLine(line, 's3', { from: close + 2, fieldsBefore: INDEX.request_uri + 1 });
    if (!tail.success) return tail;
    return ok([...head.data, line.slice(start + 1, close), ...tail.data]);
  }
  // No structure after it: an older or cut line, split the plain way (its errors name the field).
  return splitAwsLine(line, 's3');
}
