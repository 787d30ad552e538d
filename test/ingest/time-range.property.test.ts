/**
 * Arbitrary timestamps and UTC offsets through every format: a batch always answers 200, every line whose
 * time the lake can represent (UTC years 1970–9999 after the offset, offsets within ±14:00, a real
 * calendar date) lands in its own hour partition, and every other line is a reject with a reason.
 * The expected instant comes from an independent civil-date calculation, not from `Date.UTC`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/app.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { batchRequest, gzipLines, TOKEN } from '../support/batches.ts';
import { readJsonLines } from '../support/lake.ts';

interface Stamp {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  sign: '+' | '-';
  offsetHours: number;
  offsetMinutes: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const iso = (s: Stamp) =>
  `${pad(s.year, 4)}-${pad(s.month)}-${pad(s.day)}T${pad(s.hour)}:${pad(s.minute)}:${pad(s.second)}${s.sign}${pad(s.offsetHours)}:${pad(s.offsetMinutes)}`;
const local = (s: Stamp) =>
  `${pad(s.day)}/${MONTHS[s.month - 1]}/${pad(s.year, 4)}:${pad(s.hour)}:${pad(s.minute)}:${pad(s.second)} ${s.sign}${pad(s.offsetHours)}${pad(s.offsetMinutes)}`;

const OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
const LOG_FORMAT = '$remote_addr [$time_iso8601] "$request" $status $body_bytes_sent';

/** Each format with a line carrying the given time. */
const FORMATS: Record<string, (s: Stamp) => string> = {
  json: (s) =>
    JSON.stringify({
      ts: iso(s),
      remote_addr: '203.0.113.9',
      method: 'GET',
      path: '/',
      status: 200,
      bytes_sent: 1,
    }),
  combined: (s) => `203.0.113.9 - - [${local(s)}] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"`,
  main: (s) => `203.0.113.9 - - [${local(s)}] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0" "-"`,
  [LOG_FORMAT]: (s) => `203.0.113.9 [${iso(s)}] "GET / HTTP/1.1" 200 512`,
  s3: (s) =>
    `${OWNER} mybucket [${local(s)}] 192.0.2.3 ${OWNER} A1206F460EXAMPLE REST.GET.BUCKETPOLICY - "GET /mybucket?policy HTTP/1.1" 404 NoSuchBucketPolicy 297 - 38 - "-" "S3Console/0.4" -`,
  alb: (s) =>
    `http ${iso(s)} app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90`,
};

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const LATEST_MS = daysFromCivil(10000, 1, 1) * 86_400_000 - 1;

/** The UTC instant the line means, or undefined when the lake must reject it. */
function expectedMs(s: Stamp): number | undefined {
  const monthDays = s.month === 2 && isLeap(s.year) ? 29 : DAYS_IN_MONTH[s.month - 1]!;
  if (s.day > monthDays) return undefined;
  if (s.offsetMinutes > 59 || s.offsetHours * 60 + s.offsetMinutes > 14 * 60) return undefined;
  const offset = (s.sign === '-' ? -1 : 1) * (s.offsetHours * 60 + s.offsetMinutes);
  const ms =
    daysFromCivil(s.year, s.month, s.day) * 86_400_000 +
    ((s.hour * 60 + s.minute) * 60 + s.second) * 1000 -
    offset * 60_000;
  return ms >= 0 && ms <= LATEST_MS ? ms : undefined;
}

const edgeYear = fc.oneof(
  fc.integer({ min: 0, max: 9999 }),
  fc.constantFrom(0, 1, 69, 70, 99, 100, 1899, 1900, 1969, 1970, 2000, 9998, 9999),
);
const stamp: fc.Arbitrary<Stamp> = fc.record({
  year: edgeYear,
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.oneof(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 29, max: 31 }), fc.constantFrom(1, 31)),
  hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 23)),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
  sign: fc.constantFrom('+' as const, '-' as const),
  offsetHours: fc.oneof(fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 99 }), fc.constant(14)),
  offsetMinutes: fc.oneof(fc.constantFrom(0, 30, 45), fc.integer({ min: 0, max: 99 })),
});

describe('time range property: every format', () => {
  it.each(Object.keys(FORMATS))(
    '%s: valid times land in their hour, out-of-range times are rejects, the batch answers 200',
    async (format) => {
      const render = FORMATS[format]!;
      let batchNo = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(stamp, { minLength: 1, maxLength: 8 }), async (stamps) => {
          const storage = createMemoryStorage();
          const app = createIngestApp({ tokens: [TOKEN], storage });
          const res = await app.request(
            '/v1/batches',
            batchRequest(gzipLines(stamps.map(render)), {
              'X-Log-Format': format,
              'Idempotency-Key': `property-${String(++batchNo).padStart(6, '0')}`,
            }),
          );
          expect(res.status).toBe(200);
          const answer = (await res.json()) as { accepted: number; rejected: number; objects: string[] };
          const expected = stamps.map(expectedMs);
          expect(answer.accepted).toBe(expected.filter((ms) => ms !== undefined).length);
          expect(answer.rejected).toBe(expected.filter((ms) => ms === undefined).length);

          const stored: string[] = [];
          for (const key of answer.objects.filter((k) => k.startsWith('access_logs/'))) {
            for (const record of await readJsonLines(storage, key)) {
              const ts = record.ts as string;
              const hour = `year=${ts.slice(0, 4)}/month=${ts.slice(5, 7)}/day=${ts.slice(8, 10)}/hour=${ts.slice(11, 13)}`;
              expect(key).toContain(`/${hour}/`);
              stored.push(ts);
            }
          }
          const wanted = expected.flatMap((ms) => (ms === undefined ? [] : [new Date(ms).toISOString()]));
          expect(stored.sort()).toEqual(wanted.sort());

          const rejectKey = answer.objects.find((k) => k.startsWith('rejects/'));
          const rejects = rejectKey ? await readJsonLines(storage, rejectKey) : [];
          expect(rejects.map((r) => r.line_no)).toEqual(
            expected.flatMap((ms, i) => (ms === undefined ? [i + 1] : [])),
          );
          for (const reject of rejects) expect(reject.reason).toMatch(/\S/);
        }),
        { numRuns: 60 },
      );
    },
  );

  it.each([
    ['0001-01-10T14:31:02+00:00', /year 1 is outside 1970–9999/],
    ['0070-06-15T10:00:00+00:00', /year 70 is outside 1970–9999/],
    ['9999-12-31T23:59:59-01:00', /after 9999-12-31T23:59:59.999Z/],
    ['1970-01-01T00:30:00+01:00', /before 1970-01-01T00:00:00.000Z/],
    ['2025-01-10T14:31:02+99:99', /offset \+99:99 is outside ±14:00/],
    ['2025-01-10T14:31:02+14:30', /offset \+14:30 is outside ±14:00/],
  ])('rejects %s naming why', async (ts, reason) => {
    const storage = createMemoryStorage();
    const app = createIngestApp({ tokens: [TOKEN], storage });
    const line = FORMATS.json!({
      year: 2025,
      month: 1,
      day: 10,
      hour: 14,
      minute: 0,
      second: 0,
      sign: '+',
      offsetHours: 0,
      offsetMinutes: 0,
    });
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines([line, line.replace('2025-01-10T14:00:00+00:00', ts)])),
    );
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { accepted: number; rejected: number; objects: string[] };
    expect(answer).toMatchObject({ accepted: 1, rejected: 1 });
    const rejects = await readJsonLines(storage, answer.objects.find((k) => k.startsWith('rejects/'))!);
    expect(rejects[0]!.reason).toMatch(reason);
  });

  it('a poison combined line (year 10000 in UTC) is a reject and its batch answers 200', async () => {
    const storage = createMemoryStorage();
    const app = createIngestApp({ tokens: [TOKEN], storage });
    const good = FORMATS.combined!({
      year: 2025,
      month: 1,
      day: 10,
      hour: 14,
      minute: 0,
      second: 0,
      sign: '+',
      offsetHours: 0,
      offsetMinutes: 0,
    });
    const poison = good.replace('10/Jan/2025:14:00:00 +0000', '31/Dec/9999:23:59:59 -0100');
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines([good, poison]), { 'X-Log-Format': 'combined' }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: 1 });
  });
});
