/** The compaction Lambda's settings: the variables the CDK stack sets, their defaults and bad values. */
import { describe, expect, it } from 'vitest';
import { resolveCompactLambdaSettings } from '../../compact/index.ts';

describe('compaction Lambda settings', () => {
  it('reads the lake, catalog names and hour cap the stack sets, with the lake-contract defaults', () => {
    expect(
      resolveCompactLambdaSettings({ ACCESSLAKE_LAKE: 's3://lake-bucket/p', AWS_REGION: 'eu-west-1' }),
    ).toEqual({
      lake: 's3://lake-bucket/p',
      database: 'accesslake',
      workgroup: 'accesslake',
      region: 'eu-west-1',
      'max-hours': 24,
    });
    expect(
      resolveCompactLambdaSettings({
        ACCESSLAKE_LAKE: 's3://lake-bucket',
        ACCESSLAKE_GLUE_DATABASE: 'logs',
        ACCESSLAKE_ATHENA_WORKGROUP: 'wg',
        ACCESSLAKE_COMPACT_MAX_HOURS: '6',
      }),
    ).toMatchObject({ database: 'logs', workgroup: 'wg', 'max-hours': 6 });
  });

  it('refuses a lake that is not in S3 and a bad hour cap, naming the variable', () => {
    expect(() => resolveCompactLambdaSettings({})).toThrow(
      'ACCESSLAKE_LAKE must be s3://bucket/prefix, got ""',
    );
    expect(() => resolveCompactLambdaSettings({ ACCESSLAKE_LAKE: './lake' })).toThrow(
      'ACCESSLAKE_LAKE must be s3://bucket/prefix, got "./lake"',
    );
    expect(() =>
      resolveCompactLambdaSettings({ ACCESSLAKE_LAKE: 's3://b', ACCESSLAKE_COMPACT_MAX_HOURS: '0' }),
    ).toThrow(/^ACCESSLAKE_COMPACT_MAX_HOURS: "0" is not a whole number from 1/);
  });
});
