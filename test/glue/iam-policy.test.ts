/**
 * The printed IAM documents for Grafana and reports: what the Grafana Athena plugin's editor calls
 * (its configure page, "IAM policies") and what a report's CTAS, cleanup and publishing need, scoped to
 * named resources; and `provision --print-policy --policy NAME` printing one document as it goes into IAM.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import {
  compactionPolicy,
  grafanaPolicy,
  type PolicyDocument,
  queryPolicy,
  reportPolicy,
} from '../../glue/iam-policy.ts';
import { resolveProvisionOptions } from '../../provision/contract/index.ts';

const o = resolveProvisionOptions({ storage: 's3://lake-bucket/lake', region: 'eu-west-1' }, {});
const grants = (doc: PolicyDocument) =>
  doc.Statement.flatMap((s) =>
    s.Action.flatMap((action) => [s.Resource].flat().map((resource) => `${action} ${resource}`)),
  );

afterEach(() => vi.restoreAllMocks());

describe('printed policies', () => {
  it('Grafana: the query policy plus the plugin editor’s list and metadata calls', () => {
    const g = grants(grafanaPolicy(o, '123456789012'));
    for (const q of grants(queryPolicy(o, '123456789012'))) expect(g).toContain(q);
    expect(g).toEqual(
      expect.arrayContaining([
        'athena:ListDataCatalogs *',
        'athena:ListWorkGroups *',
        'athena:ListDatabases arn:aws:athena:eu-west-1:123456789012:datacatalog/AwsDataCatalog',
        'athena:ListTableMetadata arn:aws:athena:eu-west-1:123456789012:datacatalog/AwsDataCatalog',
        'athena:GetTableMetadata arn:aws:athena:eu-west-1:123456789012:datacatalog/AwsDataCatalog',
        'athena:BatchGetQueryExecution arn:aws:athena:eu-west-1:123456789012:workgroup/accesslake',
      ]),
    );
    // `*` only for the two list calls that take no resource; no wildcard action anywhere.
    expect(g.filter((x) => x.endsWith(' *'))).toEqual([
      'athena:ListDataCatalogs *',
      'athena:ListWorkGroups *',
    ]);
    expect(g.some((x) => x.split(' ')[0]!.includes('*'))).toBe(false);
  });

  it('report: the reports workgroup, the CTAS table and its cleanup, its results folder and reports/', () => {
    const g = grants(reportPolicy(o, '123456789012'));
    const glue = 'arn:aws:glue:eu-west-1:123456789012';
    expect(g).toEqual(
      expect.arrayContaining([
        'athena:StartQueryExecution arn:aws:athena:eu-west-1:123456789012:workgroup/accesslake-reports',
        `glue:CreateTable ${glue}:table/accesslake/accesslake_report_*`,
        `glue:DeleteTable ${glue}:table/accesslake/accesslake_report_*`,
        's3:GetObject arn:aws:s3:::lake-bucket/lake/access_logs/*',
        's3:PutObject arn:aws:s3:::lake-bucket/lake/athena-results/reports/*',
        's3:DeleteObject arn:aws:s3:::lake-bucket/lake/athena-results/reports/*',
        's3:PutObject arn:aws:s3:::lake-bucket/lake/reports/*',
        's3:DeleteObject arn:aws:s3:::lake-bucket/lake/reports/*',
      ]),
    );
    // Never the query workgroup, never a delete on the data, never a table other than its own.
    expect(g.some((x) => x.endsWith(':workgroup/accesslake'))).toBe(false);
    expect(g.filter((x) => x.startsWith('s3:DeleteObject') && x.includes('access_logs'))).toEqual([]);
    expect(g.filter((x) => /glue:(Create|Delete)Table .*table\/accesslake\/access_logs$/.test(x))).toEqual(
      [],
    );
  });

  // Athena resolves the view `access_logs` with the caller's permissions: whoever queries it needs the
  // view, both tables under it and both tiers' objects, or the first compaction breaks their queries.
  it.each([
    ['report', reportPolicy],
    ['grafana', grafanaPolicy],
    ['query', queryPolicy],
  ] as const)('%s: may read the view access_logs, both tables under it and both tiers', (_name, policy) => {
    const doc = policy(o, '123456789012');
    const glue = 'arn:aws:glue:eu-west-1:123456789012';
    const reads = (action: string, resource: string) =>
      doc.Statement.some(
        (s) =>
          s.Action.includes(action) &&
          [s.Resource]
            .flat()
            .some((r) => r === resource || (r.endsWith('/*') && resource.startsWith(r.slice(0, -1)))),
      );
    for (const table of ['access_logs', 'access_logs_raw', 'access_logs_compacted']) {
      for (const action of ['glue:GetTable', 'glue:GetPartitions']) {
        expect(reads(action, `${glue}:table/accesslake/${table}`), `${action} ${table}`).toBe(true);
      }
    }
    for (const tier of ['access_logs', 'access_logs_compacted']) {
      expect(reads('s3:GetObject', `arn:aws:s3:::lake-bucket/lake/${tier}/year=2025/x`), tier).toBe(true);
    }
  });

  it('provision --print-policy --policy NAME prints that document alone; an unknown name is refused', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
    const argv = [
      'provision',
      '--storage',
      's3://lake-bucket/lake',
      '--region',
      'eu-west-1',
      '--print-policy',
    ];
    expect(await main([...argv, '--policy', 'report'], {})).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual(reportPolicy(o));
    out.length = 0;
    expect(await main(argv, {})).toBe(0);
    expect(Object.keys(JSON.parse(out.join('\n')))).toEqual([
      'crawlerRoleTrustPolicy',
      'crawlerRolePolicy',
      'ingestRegistrarPolicy',
      'queryPolicy',
      'grafanaPolicy',
      'reportPolicy',
      'compactionPolicy',
    ]);
    out.length = 0;
    expect(await main([...argv, '--policy', 'compaction'], {})).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual(compactionPolicy(o));
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
    expect(await main([...argv, '--policy', 'nope'], {})).not.toBe(0);
    expect(errors.join('\n')).toMatch(
      /--policy: "nope" is not one of crawler, registrar, query, grafana, report, compaction/,
    );
  });
});
