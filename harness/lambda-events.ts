/**
 * Real Lambda HTTP event shapes (payload format 2.0), built from an incoming HTTP request the way the
 * AWS front doors build them, and the way their responses are turned back into HTTP:
 * - Function URL: https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 * - API Gateway HTTP API: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * Both lowercase header names, join repeated headers with commas, and send a binary body base64 with
 * `isBase64Encoded: true`.
 */

export type FrontDoor = 'function-url' | 'http-api';

export interface IncomingHttp {
  method: string;
  /** Path with query, e.g. `/v1/batches?x=1`. */
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  sourceIp: string;
}

/** The subset of the Lambda response (payload 2.0) that the front doors read. */
export interface LambdaHttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

const URL_ID = 'a1b2c3d4e5f6g7h8i9j0klmnopqrstuv';
const API_ID = 'r3pmxmplak';

// The front door decides by Content-Type alone: text/*, JSON, XML and JavaScript bodies arrive as a
// UTF-8 string, everything else (no Content-Type, octet-stream, even form bodies) base64. Documented
// only as "if the content type is binary"; this split was observed on a real HTTP API
// (ministackorg/ministack pull request 766). Content-Encoding plays no part: a gzip body labelled
// text/plain arrives as text, its invalid UTF-8 bytes replaced, and cannot be recovered.
function isTextBody(headers: Record<string, string>): boolean {
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return (
    /^text\//.test(type) || ['application/json', 'application/xml', 'application/javascript'].includes(type)
  );
}

let requestCounter = 0;

export function toLambdaEvent(
  http: IncomingHttp,
  door: FrontDoor,
  now = new Date(),
): Record<string, unknown> {
  const [rawPath = '/', rawQueryString = ''] = http.url.split('?', 2) as [string, string?];
  const headers = { ...http.headers };
  const cookies = headers.cookie ? headers.cookie.split(/;\s*/) : undefined;
  delete headers.cookie;
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = query[k] ? `${query[k]},${v}` : v;
  const domainName =
    door === 'function-url'
      ? `${URL_ID}.lambda-url.us-east-1.on.aws`
      : `${API_ID}.execute-api.us-east-1.amazonaws.com`;
  headers.host = domainName;
  headers['x-forwarded-proto'] = 'https';
  headers['x-forwarded-port'] = '443';
  headers['x-forwarded-for'] = http.sourceIp;
  headers['x-amzn-trace-id'] =
    `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-abcdef012345678912345678`;
  const requestId = `req-${++requestCounter}-${now.getTime()}`;
  const hasBody = http.body.byteLength > 0;
  const text = isTextBody(headers);
  const body = hasBody
    ? text
      ? new TextDecoder().decode(http.body)
      : Buffer.from(http.body).toString('base64')
    : undefined;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: door === 'function-url' ? 'anonymous' : '123456789012',
      apiId: door === 'function-url' ? URL_ID : API_ID,
      domainName,
      domainPrefix: door === 'function-url' ? URL_ID : API_ID,
      http: {
        method: http.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: http.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: formatClf(now),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body } : {}),
    ...(door === 'http-api' ? { pathParameters: undefined, stageVariables: undefined } : {}),
    isBase64Encoded: hasBody && !text,
  };
}

/** The HTTP answer the front door sends for a handler's result. */
export function fromLambdaResult(result: LambdaHttpResult): {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
} {
  const body = result.body
    ? result.isBase64Encoded
      ? new Uint8Array(Buffer.from(result.body, 'base64'))
      : new TextEncoder().encode(result.body)
    : new Uint8Array();
  return { status: result.statusCode, headers: { ...result.headers }, body };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
function formatClf(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
