/** `--format auto`: detection over a corpus of real-shaped logs, each decided with zero rejects. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMBINED_LOG_FORMAT, resolveLineParser } from '../../formats/index.ts';
import { parseBatchLines } from '../../ingest/batch/parse-lines.ts';
import { detectFormat } from '../../ingest/index.ts';

const CORPUS = join(import.meta.dirname, '../fixtures/formats');
const lines = (name: string) => readFileSync(join(CORPUS, name), 'utf8').split('\n').filter(Boolean);

describe('detectFormat over the corpus', () => {
  it.each([
    ['json.log', 'json'],
    ['combined.log', 'combined'],
    ['main.log', 'main'],
    // combined with a quoted field appended ("$upstream_response_time"): main's layout, the most specific fit.
    ['combined-appended.log', 'main'],
    ['s3.log', 's3'],
    ['alb.log', 'alb'],
  ])('decides %s is %s, and the whole file then has zero rejects', (file, format) => {
    const all = lines(file);
    const detection = detectFormat(all);
    expect(detection).toMatchObject({ success: true, format });
    const { rejected, accepted } = parseBatchLines(`${all.join('\n')}\n`, resolveLineParser(format), 't');
    expect(rejected).toEqual([]);
    expect(accepted).toHaveLength(all.length);
  });

  it('says why: the share of lines, where the format came from, and the formats that also fit', () => {
    expect(detectFormat(lines('main.log'))).toMatchObject({
      reason: expect.stringMatching(/^20 of the first 20 lines parse as main(;|$)/),
    });
    const detection = detectFormat(lines('combined.log'), [
      { format: COMBINED_LOG_FORMAT, origin: 'log_format "combined" in nginx.conf' },
    ]);
    expect(detection.success && detection.reason).toBe(
      `20 of the first 20 lines parse as log_format ${JSON.stringify(`${COMBINED_LOG_FORMAT.slice(0, 57)}…`)} (log_format "combined" in nginx.conf); it is more specific than combined, which also fit`,
    );
  });

  it('prefers a log_format from nginx.conf over the built-in formats', () => {
    const spec =
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$upstream_response_time"';
    const detection = detectFormat(lines('combined-appended.log'), [
      { format: spec, origin: 'log_format "timed" in /etc/nginx/nginx.conf' },
    ]);
    expect(detection).toMatchObject({ success: true, format: spec });
    expect(detection.success && detection.reason).toContain('(log_format "timed" in /etc/nginx/nginx.conf)');
  });

  it('tolerates junk lines while most lines fit, not when half of them are junk', () => {
    const combined = lines('combined.log');
    expect(detectFormat([...combined.slice(0, 2), 'junk', 'more junk']).success).toBe(false);
    expect(detectFormat([...combined.slice(0, 3), 'junk', 'more junk'])).toMatchObject({
      format: 'combined',
      reason: expect.stringMatching(/^3 of the first 5 lines parse as combined/),
    });
  });

  it('refuses lines that fit nothing, showing a line and every format tried with its reason', () => {
    const detection = detectFormat(['hello world', 'not a log line']);
    expect(detection.success).toBe(false);
    if (detection.success) return;
    expect(detection.error).toContain('"hello world"');
    for (const format of ['json', 'alb', 's3', 'main', 'combined'])
      expect(detection.error).toContain(`${format} (0/2 lines): `);
    expect(detection.tried.map((t) => t.format)).toEqual(['json', 'alb', 's3', 'main', 'combined']);
  });

  it('waits when there are no lines yet', () => {
    expect(detectFormat(['', '  '])).toMatchObject({ success: false, error: 'no lines to decide from yet' });
  });
});
