/**
 * The synthesized stack's ordering and its scheduled report: every resource that uses a role depends on
 * that role's policies (Glue checks a crawler's role at creation), and the report and compaction
 * Lambdas' roles are exactly the policies `accesslake provision --print-policy --policy report|compaction`
 * print.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { compactionPolicy, reportPolicy } from '../../glue/iam-policy.ts';
import { resolveProvisionOptions } from '../../provision/contract/index.ts';
import { list, logicalIds, render, synthesizeStacks } from './synth.ts';

const { templates, asserts } = synthesizeStacks();

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[] };

/** The logical ids a value refers to through Ref or Fn::GetAtt, anywhere inside it. */
function referencedIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencedIds(v, out);
  else if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') out.add(v.Ref);
    if (Array.isArray(v['Fn::GetAtt'])) out.add(String(v['Fn::GetAtt'][0]));
    for (const inner of Object.values(v)) referencedIds(inner, out);
  }
  return out;
}

/** Intrinsics rendered to text, everywhere in a value (for comparing a synthesized policy document). */
function renderDeep(value: unknown, names: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, names));
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Ref' in v || 'Fn::GetAtt' in v || 'Fn::Join' in v) {
      return render(v).replace(/\$\{([^}]+)\}/g, (m, id: string) => names[id] ?? m);
    }
    return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, renderDeep(inner, names)]));
  }
  return typeof value === 'string'
    ? value.replace(/\$\{([^}]+)\}/g, (m, id: string) => names[id] ?? m)
    : value;
}

/** Action and Resource as arrays, so `"x"` and `["x"]` compare equal (IAM reads them the same). */
function normalizePolicy(doc: { Statement: Record<string, unknown>[] }) {
  return doc.Statement.map((st) => ({ ...st, Action: list(st.Action), Resource: list(st.Resource) }));
}

describe.each(['crawler', 'projection'] as const)('the %s stack: ordering and the report', (catalog) => {
  it('makes every resource that references a role depend on that role’s policies', () => {
    const resources = templates[catalog].Resources as Record<string, Resource>;
    const roles = logicalIds(templates[catalog], 'AWS::IAM::Role');
    const checked: string[] = [];
    for (const role of roles) {
      const policies = Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && referencedIds(r.Properties?.Roles).has(role))
        .map(([id]) => id);
      for (const [id, r] of Object.entries(resources)) {
        if (id === role || policies.includes(id) || !referencedIds(r.Properties).has(role)) continue;
        checked.push(r.Type);
        const dependsOn = list(r.DependsOn);
        for (const policy of policies) {
          expect(dependsOn, `${id} (${r.Type}) uses ${role} but does not depend on ${policy}`).toContain(
            policy,
          );
        }
      }
    }
    // Not vacuous: the functions (and the crawler, in crawler mode) are among the checked resources.
    expect(checked).toContain('AWS::Lambda::Function');
    if (catalog === 'crawler') expect(checked).toContain('AWS::Glue::Crawler');
  });

  it.each([
    ['report', 'Report', reportPolicy],
    ['compaction', 'Compact', compactionPolicy],
  ] as const)(
    'gives the %s Lambda a role whose policy is exactly the printed one',
    (policyName, construct, printedPolicy) => {
      const template = templates[catalog];
      const resources = template.Resources as Record<string, Resource>;
      const roleId = logicalIds(template, 'AWS::IAM::Role').find((id) => id.startsWith(`${construct}Role`));
      expect(roleId).toBeDefined();
      const inline = list(
        resources[roleId!]!.Properties?.Policies as { PolicyName: string; PolicyDocument: unknown }[],
      );
      const synthesized = inline.find((p) => p.PolicyName === policyName)?.PolicyDocument;
      const names = {
        [logicalIds(template, 'AWS::S3::Bucket')[0]!]: 'lake-bucket',
        'AWS::Region': 'eu-west-1',
        'AWS::AccountId': '123456789012',
      };
      const printed = printedPolicy(
        resolveProvisionOptions({ storage: 's3://lake-bucket', region: 'eu-west-1' }, {}),
        '123456789012',
      );
      const rendered = renderDeep(synthesized, names) as { Statement: Record<string, unknown>[] };
      expect(normalizePolicy(rendered)).toEqual(normalizePolicy(printed));
      // Nothing else on the role but its own logs.
      expect(inline.map((p) => p.PolicyName).sort()).toEqual(['logs', policyName].sort());
      // And no separate policy resource attached to the role beside the inline ones.
      const attached = Object.values(resources).filter(
        (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles).includes(roleId!),
      );
      expect(attached).toEqual([]);
    },
  );

  it('runs the report zip on Node 24 in the reports workgroup, on an EventBridge schedule', () => {
    const t = asserts[catalog]!;
    const functions = t.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ REPORT_PERIOD: 'weekly' }) } },
    });
    const entries = Object.entries(functions) as [string, Resource][];
    expect(entries).toHaveLength(1);
    const [functionId, fn] = entries[0]!;
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Timeout: 900,
      Environment: {
        Variables: {
          ACCESSLAKE_ATHENA_WORKGROUP: 'accesslake-reports',
          ACCESSLAKE_GLUE_DATABASE: 'accesslake',
          REPORT_OUT: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Lake/) }]] },
        },
      },
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 6 ? * MON *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } })],
    });
    t.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'accesslake-reports',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 100 * 1024 ** 3,
        ResultConfiguration: {
          OutputLocation: {
            'Fn::Join': ['', ['s3://', { Ref: Match.anyValue() }, '/athena-results/reports/']],
          },
        },
      },
    });
  });
});
