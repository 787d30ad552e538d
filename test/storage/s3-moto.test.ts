import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { type MotoServer, motoClientConfig, startMotoServer } from '../../harness/index.ts';
import { createS3Storage } from '../../storage/drivers/s3.ts';
import { runStorageContract } from './contract.ts';

let moto: MotoServer;
let client: S3Client;
let bucketNo = 0;

beforeAll(async () => {
  moto = await startMotoServer();
  client = new S3Client({ ...motoClientConfig(moto.endpoint), forcePathStyle: true });
});
afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

// Each test gets its own bucket (and a prefix, to exercise prefix handling) on a real moto_server.
runStorageContract('s3 (moto_server)', async () => {
  const bucket = `contract-${++bucketNo}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return createS3Storage({ bucket, prefix: 'lake/prod', client });
});
