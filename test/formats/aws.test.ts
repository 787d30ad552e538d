/** S3 server access logs and ALB access logs, with the example entries of the AWS documentation. */
import { describe, expect, it } from 'vitest';
import { resolveLineParser } from '../../formats/index.ts';
import { parseBatchLines } from '../../ingest/batch/parse-lines.ts';
import type { CanonicalRecord } from '../../lake-contract/index.ts';

const OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html ("example log consisting of five log records")
const S3_CURRENT = `${OWNER} amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 ${OWNER} 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes us-east-1`;
// The same page's older entries end after versionid (18 fields).
const S3_OLD_404 = `${OWNER} mybucket [06/Feb/2014:00:00:38 +0000] 192.0.2.3 ${OWNER} A1206F460EXAMPLE REST.GET.BUCKETPOLICY - "GET /mybucket?policy HTTP/1.1" 404 NoSuchBucketPolicy 297 - 38 - "-" "S3Console/0.4" -`;
// A lifecycle action has no client and no HTTP request.
const S3_LIFECYCLE = `${OWNER} mybucket [06/Feb/2019:00:00:38 +0000] - AmazonS3 5DCD2C1EXAMPLE S3.EXPIRE.OBJECT photos/2019/a.jpg "-" - - - 1024 - - "-" "-" -`;

// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html ("Example log entries")
const ALB_HTTP =
  'http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90';
const ALB_HTTPS =
  'https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90 "m.example.com" "-" "TransformSuccess"';
// A request the target never answered (-1 times, no target), from an IPv6 client, with escaped quotes in the user agent.
const ALB_502 =
  'https 2018-07-02T22:24:00.000000Z app/my-loadbalancer/50dc6c495c0c9188 2001:db8::5:52000 - -1 -1 -1 502 - 310 272 "POST https://www.example.com:443/api/login?next=%2F HTTP/1.1" "agent \\"quoted\\" C:\\\\dir" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 - "Root=1-58337364-23a8c76965a2ef7629b185e3" "www.example.com" "-" 0 2018-07-02T22:23:59.990000Z "forward" "-" "-" "-" "-" "-" "-" TID_1234abcd5678ef90';

function accept(format: string, line: string): CanonicalRecord {
  const { accepted, rejected } = parseBatchLines(`${line}\n`, resolveLineParser(format), 'aws');
  if (rejected.length) throw new Error(rejected[0]!.reason);
  return accepted[0]!;
}

describe('s3 (server access logs)', () => {
  it('maps the current record onto the canonical one and keeps S3 fields under their Athena names', () => {
    const record = accept('s3', S3_CURRENT);
    expect(record).toMatchObject({
      ts: '2019-02-06T00:00:38.000Z',
      remote_addr: '192.0.2.3',
      method: 'GET',
      path: '/amzn-s3-demo-bucket1?versioning',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes_sent: 113,
      request_time: 0.007,
      referer: null,
      user_agent: 'S3Console/0.4',
      host: 'amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com',
    });
    expect(record.extra).toEqual({
      bucketowner: OWNER,
      bucket_name: 'amzn-s3-demo-bucket1',
      requester: OWNER,
      requestid: '3E57427F3EXAMPLE',
      operation: 'REST.GET.VERSIONING',
      hostid: 's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=',
      sigv: 'SigV4',
      ciphersuite: 'ECDHE-RSA-AES128-GCM-SHA256',
      authtype: 'AuthHeader',
      tlsversion: 'TLSV1.2',
      accesspointarn: 'arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP',
      aclrequired: 'Yes',
      sourceregion: 'us-east-1',
    });
  });

  it('reads the older 18-field records, error code included', () => {
    const record = accept('s3', S3_OLD_404);
    expect(record).toMatchObject({ status: 404, bytes_sent: 297, request_time: 0.038, host: null });
    expect(record.extra).toMatchObject({
      errorcode: 'NoSuchBucketPolicy',
      operation: 'REST.GET.BUCKETPOLICY',
    });
  });

  it('rejects a record with no client or request, and one that is cut short, saying why', () => {
    const { rejected } = parseBatchLines(
      `${S3_LIFECYCLE}\n${S3_CURRENT.slice(0, S3_CURRENT.indexOf('?versioning'))}\n${OWNER} b [06/Feb/2019:00:00:38 +0000] 1.2.3.4\n`,
      resolveLineParser('s3'),
      'aws',
    );
    expect(rejected.map((r) => r.reason)).toEqual([
      'remote_addr: missing',
      `s3 field 9: missing closing quote for the value that starts at column ${S3_CURRENT.indexOf('"GET') + 2}`,
      's3: expected at least 18 fields (through versionid), got 4',
    ]);
  });
});

describe('alb (Application Load Balancer access logs)', () => {
  it('maps an http entry: client ip, path from the absolute URL, ELB status, sent bytes', () => {
    const record = accept('alb', ALB_HTTP);
    expect(record).toMatchObject({
      ts: '2018-07-02T22:23:00.186Z',
      remote_addr: '192.168.131.39',
      method: 'GET',
      path: '/',
      protocol: 'HTTP/1.1',
      host: 'www.example.com',
      status: 200,
      bytes_sent: 366,
      request_time: 0.001,
      upstream_response_time: '0.001',
      user_agent: 'curl/7.46.0',
      referer: null,
    });
    expect(record.extra).toMatchObject({
      type: 'http',
      elb: 'app/my-loadbalancer/50dc6c495c0c9188',
      client_port: '2817',
      target_ip: '10.0.0.1',
      target_port: '80',
      received_bytes: '34',
      request_url: 'http://www.example.com:80/',
      trace_id: 'Root=1-58337262-36d228ad5d99923122bbe354',
      actions_executed: 'forward',
      conn_trace_id: 'TID_1234abcd5678ef90',
    });
  });

  it('sums the three processing times and keeps the newer trailing fields', () => {
    const record = accept('alb', ALB_HTTPS);
    expect(record.request_time).toBe(0.171);
    expect(record.extra).toMatchObject({
      ssl_protocol: 'TLSv1.2',
      domain_name: 'www.example.com',
      transformed_host: 'm.example.com',
      request_transform_status: 'TransformSuccess',
    });
  });

  it('handles an unanswered request from an IPv6 client with escaped quotes in the user agent', () => {
    const record = accept('alb', ALB_502);
    expect(record).toMatchObject({
      remote_addr: '2001:db8::5',
      method: 'POST',
      path: '/api/login?next=%2F',
      status: 502,
      request_time: null,
      upstream_response_time: null,
      user_agent: 'agent "quoted" C:\\dir',
    });
    expect(record.extra).not.toHaveProperty('target_ip');
  });

  it('rejects a truncated entry naming what is missing', () => {
    const { rejected } = parseBatchLines(`${ALB_HTTP.slice(0, 120)}\n`, resolveLineParser('alb'), 'aws');
    expect(rejected[0]!.reason).toBe('alb: expected at least 14 fields (through user_agent), got 8');
  });
});
