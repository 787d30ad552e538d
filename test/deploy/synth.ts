/**
 * Synthesizes the CDK stack offline in both catalog modes, once per test file, with freshly built
 * Lambda zips; plus the template helpers the deploy tests share.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll } from 'vitest';
import { buildLambdaBundle } from '../../deploy/build-lambda.ts';
import { readDeploySettings } from '../../deploy/settings.ts';
import { AccessLakeStack } from '../../deploy/stack.ts';

export type Catalog = 'crawler' | 'projection';

/** Registers beforeAll/afterAll that fill `templates` and `asserts` for both modes. */
export function synthesizeStacks() {
  let workDir: string | undefined;
  const templates: Record<Catalog, Record<string, unknown>> = { crawler: {}, projection: {} };
  const asserts: Partial<Record<Catalog, Template>> = {};
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'accesslake-deploy-'));
    const outDir = join(workDir, 'lambda');
    const ingestZip = (await buildLambdaBundle({ outDir })).zipPath;
    const reportZip = (await buildLambdaBundle({ outDir, name: 'report', entry: 'functions/report.ts' }))
      .zipPath;
    const compactZip = (await buildLambdaBundle({ outDir, name: 'compact', entry: 'functions/compact.ts' }))
      .zipPath;
    for (const catalog of ['crawler', 'projection'] as const) {
      const context: Record<string, string> = {
        catalog,
        lambdaCode: ingestZip,
        reportCode: reportZip,
        compactLambdaCode: compactZip,
      };
      const app = new App({ outdir: join(workDir, `cdk.out-${catalog}`) });
      const stack = new AccessLakeStack(app, `AccessLake-${catalog}`, {
        settings: readDeploySettings((key) => context[key]),
      });
      asserts[catalog] = Template.fromStack(stack);
      templates[catalog] = asserts[catalog].toJSON();
    }
  }, 120_000);
  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });
  return { templates, asserts };
}

type Json = unknown;
/** Renders CloudFormation intrinsics to text: {Ref: X} → ${X}, GetAtt → ${X.Attr}, Join → concatenation. */
export function render(value: Json): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, Json>;
  if ('Ref' in v) return `\${${String(v.Ref)}}`;
  if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, Json[]];
    return parts.map(render).join(sep);
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

export const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

export function logicalIds(template: Record<string, unknown>, type: string): string[] {
  return Object.entries(template.Resources as Record<string, { Type: string }>)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
}
