/**
 * Synthesizes the CDK stack offline (both catalog modes) and checks the resources and every policy
 * statement in the template: no wildcard actions, no managed policies, every resource scoped to the
 * lake bucket and its prefixes or to one named secret, log group, Glue object or crawler.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { readDeploySettings } from '../../deploy/settings.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { DEFAULT_CRAWLER_SCHEDULE } from '../../provision/contract/index.ts';
import { list, logicalIds, render, synthesizeStacks } from './synth.ts';

const { templates, asserts } = synthesizeStacks();

interface Statement {
  where: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

function statementsOf(template: Record<string, unknown>): Statement[] {
  const out: Statement[] = [];
  const resources = template.Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  for (const [id, r] of Object.entries(resources)) {
    const docs: unknown[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::S3::BucketPolicy')
      docs.push(r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of list(r.Properties.Policies as { PolicyDocument: unknown }[]))
        docs.push(p.PolicyDocument);
    }
    if (r.Type === 'AWS::SecretsManager::ResourcePolicy') docs.push(r.Properties.ResourcePolicy);
    for (const doc of docs) {
      for (const s of list((doc as { Statement: Statement[] }).Statement))
        out.push({ ...s, where: `${id} (${r.Type})` });
    }
  }
  return out;
}

const GLUE = (rest: string) => `arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:${rest}`;

/** Every action the stack may grant, with the only resources it may be granted on. */
function allowedGrants(bucket: string, secret: string, logGroups: string[]): Record<string, RegExp[]> {
  const lake = `\\$\\{${bucket}\\.Arn\\}`;
  const glue = (rest: string) => new RegExp(`^${GLUE(rest).replace(/[${}]/g, '\\$&')}$`);
  const glueTable = [glue('catalog'), glue('database/accesslake'), glue('table/accesslake/access_logs_raw')];
  const ownLogs = logGroups.map((id) => new RegExp(`^\\$\\{${id}\\.Arn\\}$`));
  const crawlerLogs = [
    /^arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:\/aws-glue\/crawlers(:\*)?$/,
  ];
  // The report role's policy is glue/iam-policy.ts's, built with the bucket's name: `arn:aws:s3:::${Lake}`.
  const named = (rest: string) => new RegExp(`^arn:aws:s3:::\\$\\{${bucket}\\}${rest}$`);
  const reportGlue = (rest: string) =>
    new RegExp(`^arn:aws:glue:\\$\\{AWS::Region\\}:\\$\\{AWS::AccountId\\}:${rest}$`);
  const reportDb = [reportGlue('catalog'), reportGlue('database/accesslake')];
  const reportTables = reportGlue('table/accesslake/accesslake_report_\\*');
  // The report reads the view `access_logs` and, through it, both tables under it.
  const reportRead = [
    ...reportDb,
    reportGlue('table/accesslake/access_logs'),
    reportGlue('table/accesslake/access_logs_raw'),
    reportGlue('table/accesslake/access_logs_compacted'),
  ];
  const grants: Record<string, RegExp[]> = {
    's3:PutObject': [
      new RegExp(`^${lake}/access_logs/\\*$`),
      new RegExp(`^${lake}/rejects/\\*$`),
      new RegExp(`^${lake}/batches/\\*$`),
      named('/athena-results/reports/\\*'),
      named('/reports/\\*'),
      // The compaction role is glue/iam-policy.ts's compactionPolicy, built with the bucket's name too.
      named('/access_logs_compacted/\\*'),
      named('/compaction/\\*'),
      named('/athena-results/\\*'),
    ],
    's3:GetObject': [
      new RegExp(`^${lake}/access_logs/\\*$`),
      new RegExp(`^${lake}/batches/\\*$`),
      named('/compaction/\\*'),
      named('/athena-results/\\*'),
      named('/access_logs/\\*'),
      named('/access_logs_compacted/\\*'),
      named('/athena-results/reports/\\*'),
      named('/reports/\\*'),
    ],
    's3:DeleteObject': [
      new RegExp(`^${lake}/access_logs/\\*$`),
      named('/athena-results/reports/\\*'),
      named('/reports/\\*'),
      // The compaction lease's superseded generations (compact/lease.ts).
      named('/compaction/lease/\\*'),
    ],
    's3:AbortMultipartUpload': [named('/athena-results/reports/\\*')],
    's3:ListBucket': [new RegExp(`^${lake}$`), named('')],
    's3:GetBucketLocation': [new RegExp(`^${lake}$`), named('')],
    'secretsmanager:GetSecretValue': [new RegExp(`^\\$\\{${secret}\\}$`)],
    'logs:CreateLogStream': [...ownLogs, ...crawlerLogs],
    'logs:PutLogEvents': [...ownLogs, ...crawlerLogs],
    'logs:CreateLogGroup': crawlerLogs,
    'glue:StartCrawler': [glue('crawler/accesslake-access-logs')],
    'glue:DeleteTable': [...reportDb, reportTables],
  };
  for (const a of [
    'athena:StartQueryExecution',
    'athena:GetQueryExecution',
    'athena:GetQueryResults',
    'athena:StopQueryExecution',
    'athena:GetWorkGroup',
  ]) {
    grants[a] = [/^arn:aws:athena:\$\{AWS::Region\}:\$\{AWS::AccountId\}:workgroup\/accesslake-reports$/];
  }
  // The compaction Lambda replaces the view in the query workgroup.
  for (const a of ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults']) {
    grants[a]!.push(/^arn:aws:athena:\$\{AWS::Region\}:\$\{AWS::AccountId\}:workgroup\/accesslake$/);
  }
  for (const a of [
    'glue:BatchCreatePartition',
    'glue:GetTable',
    'glue:GetDatabase',
    'glue:CreateTable',
    'glue:UpdateTable',
    'glue:GetPartition',
    'glue:GetPartitions',
    'glue:BatchGetPartition',
    'glue:UpdatePartition',
    'glue:BatchUpdatePartition',
  ]) {
    grants[a] = [...glueTable];
  }
  for (const a of [
    'glue:GetDatabase',
    'glue:GetTable',
    'glue:GetPartition',
    'glue:GetPartitions',
    'glue:BatchGetPartition',
  ]) {
    grants[a]!.push(...reportRead);
  }
  grants['glue:GetTable']!.push(reportTables);
  grants['glue:CreateTable']!.push(...reportDb, reportTables);
  // The compaction Lambda stores the view (compactionPolicy, in the same ARN form as the report's).
  grants['glue:CreateTable']!.push(...reportRead);
  grants['glue:UpdateTable']!.push(...reportRead);
  return grants;
}

function logicalId(template: Record<string, unknown>, type: string): string {
  const ids = Object.entries(template.Resources as Record<string, { Type: string }>)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
  expect(ids, type).toHaveLength(1);
  return ids[0]!;
}

describe.each(['crawler', 'projection'] as const)('the %s stack', (catalog) => {
  it('grants no wildcard action and scopes every resource (every statement checked)', () => {
    const template = templates[catalog];
    const grants = allowedGrants(
      logicalId(template, 'AWS::S3::Bucket'),
      logicalId(template, 'AWS::SecretsManager::Secret'),
      logicalIds(template, 'AWS::Logs::LogGroup'),
    );
    const statements = statementsOf(template);
    expect(statements.length).toBeGreaterThan(3);
    for (const s of statements) {
      expect(s.NotAction, s.where).toBeUndefined();
      expect(s.NotResource, s.where).toBeUndefined();
      const actions = list(s.Action);
      const resources = list(s.Resource).map(render);
      if (s.Effect === 'Deny') {
        // The only deny: plain-HTTP requests to the bucket (enforceSSL).
        expect({ where: s.where, actions, condition: s.Condition }).toEqual({
          where: expect.stringContaining('AWS::S3::BucketPolicy'),
          actions: ['s3:*'],
          condition: { Bool: { 'aws:SecureTransport': 'false' } },
        });
        continue;
      }
      expect(resources.length, s.where).toBeGreaterThan(0);
      for (const action of actions) {
        expect(action, `${s.where}: wildcard action`).not.toContain('*');
        const allowed = grants[action];
        expect(allowed, `${s.where}: ${action} is not an expected grant`).toBeDefined();
        for (const resource of resources) {
          expect(
            allowed!.some((re) => re.test(resource)),
            `${s.where}: ${action} on ${resource}`,
          ).toBe(true);
        }
      }
      if (actions.includes('s3:ListBucket') && !s.where.startsWith('ReportRole')) {
        // The crawler lists the raw tier; the compaction the raw tier and its state.
        expect([
          { StringLike: { 's3:prefix': ['access_logs/*', 'access_logs/', 'access_logs'] } },
          { StringLike: { 's3:prefix': ['access_logs/*', 'access_logs/', 'compaction/*', 'compaction/'] } },
        ]).toContainEqual(s.Condition);
      }
    }
  });

  it('uses no managed policies (they carry wildcards)', () => {
    for (const [, r] of Object.entries(
      templates[catalog].Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    )) {
      if (r.Type === 'AWS::IAM::Role') expect(r.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('lets the ingest put objects under its prefixes, read batch claims, remove its own failed data and nothing else in S3', () => {
    const t = asserts[catalog]!;
    const ingestPolicies = t.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^IngestRole') }] },
    });
    const actions = Object.values(ingestPolicies).flatMap((p) =>
      list(
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
      ).flatMap((s) => list(s.Action)),
    );
    expect(actions.filter((a) => a.startsWith('s3:')).sort()).toEqual([
      's3:DeleteObject',
      's3:GetObject',
      's3:PutObject',
    ]);
    const statements = Object.values(ingestPolicies).flatMap((p) =>
      list(
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
      ),
    );
    const resourcesOf = (action: string) =>
      JSON.stringify(statements.filter((s) => list(s.Action).includes(action)).map((s) => s.Resource));
    expect(resourcesOf('s3:GetObject')).toMatch(/batches\/\*/);
    expect(resourcesOf('s3:GetObject')).not.toMatch(/access_logs|rejects/);
    expect(resourcesOf('s3:DeleteObject')).toMatch(/access_logs\/\*/);
    expect(resourcesOf('s3:DeleteObject')).not.toMatch(/rejects|batches/);
    const glue = actions.filter((a) => a.startsWith('glue:')).sort();
    expect(glue).toEqual(
      catalog === 'crawler' ? ['glue:BatchCreatePartition', 'glue:GetTable', 'glue:StartCrawler'] : [],
    );
  });

  it('makes an encrypted, private bucket with lifecycle rules on rejects and query results', () => {
    asserts[catalog]!.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'rejects/', ExpirationInDays: 30, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'athena-results/', ExpirationInDays: 7, Status: 'Enabled' }),
        ]),
      },
    });
  });

  it('deploys the ingest zip on Node 24 behind a public Function URL, token from Secrets Manager', () => {
    const t = asserts[catalog]!;
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Code: { S3Key: Match.stringLikeRegexp('\\.zip$') },
      LoggingConfig: { LogFormat: 'Text', LogGroup: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({
          ACCESSLAKE_LAKE: Match.anyValue(),
          ACCESSLAKE_TOKENS_SECRET: { Ref: Match.stringLikeRegexp('^IngestTokens') },
          ACCESSLAKE_MAX_BODY_BYTES: '4MiB',
        }),
      },
    });
    t.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
    });
    // The token is generated by Secrets Manager: it is nowhere in the template.
    expect(JSON.stringify(templates[catalog])).not.toMatch(/ACCESSLAKE_TOKENS"/);
    // A public URL needs exactly these two resource permissions, and nothing broader.
    const permissions = Object.values(t.findResources('AWS::Lambda::Permission'))
      .map((p) => (p as { Properties: Record<string, unknown> }).Properties)
      .filter((p) => JSON.stringify(p.FunctionName).includes('Ingest'));
    expect(permissions).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunctionUrl',
        FunctionUrlAuthType: 'NONE',
        Principal: '*',
      }),
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        InvokedViaFunctionUrl: true,
        Principal: '*',
      }),
    ]);
    t.hasOutput('IngestUrl', {});
  });

  it('makes the Athena workgroup: engine v3, enforced, scan cutoff, results under athena-results/', () => {
    asserts[catalog]!.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'accesslake',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: Match.anyValue() }, '/athena-results/']] },
        },
      },
    });
  });

  it('creates the Glue database accesslake', () => {
    asserts[catalog]!.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'accesslake' } });
  });
});

describe('catalog modes', () => {
  it('crawler: crawls the access_logs_raw table on a schedule, never dropping columns', () => {
    const t = asserts.crawler!;
    t.hasResourceProperties('AWS::Glue::Crawler', {
      Name: 'accesslake-access-logs',
      DatabaseName: 'accesslake',
      Targets: { CatalogTargets: [{ DatabaseName: 'accesslake', Tables: ['access_logs_raw'] }] },
      // The schedule provision uses too (provision/contract/schedule.ts): hourly, five past the hour.
      Schedule: { ScheduleExpression: 'cron(5 * * * ? *)' },
      RecrawlPolicy: { RecrawlBehavior: 'CRAWL_EVERYTHING' },
      SchemaChangePolicy: { UpdateBehavior: 'LOG', DeleteBehavior: 'LOG' },
    });
    // The raw table (no projection: the crawler adds its partitions) and the Parquet table.
    t.resourceCountIs('AWS::Glue::Table', 2);
    t.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'access_logs_raw',
        Parameters: Match.objectLike({ classification: 'json' }),
      }),
    });
    // The ingest registers fresh hours itself, with the names the grants are scoped to.
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ACCESSLAKE_REGISTER_PARTITIONS: 'glue',
          ACCESSLAKE_GLUE_DATABASE: 'accesslake',
          ACCESSLAKE_GLUE_TABLE: 'access_logs_raw',
          ACCESSLAKE_GLUE_CRAWLER: 'accesslake-access-logs',
        }),
      },
    });
  });

  it('projection: defines access_logs_raw with year/month/day/hour projection and no crawler', () => {
    const t = asserts.projection!;
    t.resourceCountIs('AWS::Glue::Crawler', 0);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ACCESSLAKE_REGISTER_PARTITIONS: 'off' }) },
    });
    t.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'accesslake',
      TableInput: {
        Name: 'access_logs_raw',
        PartitionKeys: ['year', 'month', 'day', 'hour'].map((name) => ({ Name: name, Type: 'string' })),
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.hour.range': '0,23',
          'projection.hour.digits': '2',
          'storage.location.template': {
            'Fn::Join': [
              '',
              [
                's3://',
                { Ref: Match.anyValue() },
                // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholders
                '/access_logs/year=${year}/month=${month}/day=${day}/hour=${hour}/',
              ],
            ],
          },
        }),
        StorageDescriptor: Match.objectLike({
          SerdeInfo: { SerializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
          Columns: Match.arrayWith([
            { Name: 'ts', Type: 'string' },
            { Name: 'status', Type: 'int' },
          ]),
        }),
      },
    });
  });
});

describe('deploy settings', () => {
  it('refuses an unknown catalog mode with the choices', () => {
    expect(() => readDeploySettings((k) => (k === 'catalog' ? 'hive' : undefined))).toThrow(ConfigError);
    expect(() => readDeploySettings((k) => (k === 'catalog' ? 'hive' : undefined))).toThrow(
      /"crawler" or "projection"/,
    );
  });

  it('takes the crawler schedule as provision does, refusing runs closer than Glue’s 5 minutes', () => {
    const schedule = (value: string | undefined) =>
      readDeploySettings((k) => (k === 'crawlerSchedule' ? value : undefined)).crawlerSchedule;
    expect(schedule(undefined)).toBe(DEFAULT_CRAWLER_SCHEDULE);
    expect(schedule('15m')).toBe('cron(0/15 * * * ? *)');
    expect(schedule('cron(10 * * * ? *)')).toBe('cron(10 * * * ? *)');
    expect(() => schedule('cron(0/2 * * * ? *)')).toThrow(
      /^context crawlerSchedule "cron\(0\/2 \* \* \* \? \*\)": runs 2 minutes apart; Glue allows at most one crawl every 5 minutes/,
    );
    expect(() => schedule('cron(* * * * ? *)')).toThrow(/every minute/);
  });

  it('refuses a bucket name S3 would refuse', () => {
    expect(() => readDeploySettings((k) => (k === 'bucketName' ? 'My_Bucket' : undefined))).toThrow(
      /bucketName="My_Bucket" is not a valid S3 bucket name/,
    );
  });

  it('refuses a scan cutoff below Athena’s 10 MB floor', () => {
    expect(() => readDeploySettings((k) => (k === 'bytesScannedCutoff' ? '1000' : undefined))).toThrow(
      /bytesScannedCutoff/,
    );
  });
});

describe('the compaction Lambda', () => {
  it.each(['crawler', 'projection'] as const)(
    '%s: runs hourly from EventBridge, one at a time, with the Parquet table beside the raw one',
    (catalog) => {
      const t = asserts[catalog]!;
      t.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        ReservedConcurrentExecutions: 1,
        Timeout: 900,
        Environment: {
          Variables: Match.objectLike({
            ACCESSLAKE_GLUE_DATABASE: 'accesslake',
            ACCESSLAKE_ATHENA_WORKGROUP: 'accesslake',
            ACCESSLAKE_COMPACT_MAX_HOURS: '24',
          }),
        },
      });
      t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(20 * * * ? *)' });
      t.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
      });
      t.hasResourceProperties('AWS::Glue::Table', {
        TableInput: Match.objectLike({
          Name: 'access_logs_compacted',
          StorageDescriptor: Match.objectLike({
            SerdeInfo: Match.objectLike({
              SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            }),
          }),
        }),
      });
    },
  );
});
