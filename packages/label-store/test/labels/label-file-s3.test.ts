import { afterAll, beforeAll, inject } from 'vitest';

import { S3Store } from '../../src/s3-store.js';
import { createTestBucket, deleteTestBucket, makeTestS3Client } from '../../../../test-support/s3-test-utils.js';
import { describeLabelFileContract } from './label-file-contract.js';

const endpoint = inject('s3Endpoint');
const client = makeTestS3Client(endpoint);
let bucket: string;
let storeCount = 0;

beforeAll(async () => {
  bucket = await createTestBucket(endpoint, 'label-file');
});

afterAll(async () => {
  await deleteTestBucket(endpoint, bucket);
  client.destroy();
});

// Each test gets its own prefix in the file's bucket, so the label key is also checked under a prefix.
describeLabelFileContract('S3Store', () => {
  storeCount += 1;
  return new S3Store({ bucket, prefix: `labels-${storeCount}`, client });
});
