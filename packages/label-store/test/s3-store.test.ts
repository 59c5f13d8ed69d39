import { afterAll, beforeAll, inject } from 'vitest';

import { S3Store } from '../src/s3-store.js';
import { createTestBucket, deleteTestBucket, makeTestS3Client } from '../../../test-support/s3-test-utils.js';
import { describeObjectStoreContract } from './object-store-contract.js';

const endpoint = inject('s3Endpoint');
const client = makeTestS3Client(endpoint);
let bucket: string;
let storeCount = 0;

beforeAll(async () => {
  bucket = await createTestBucket(endpoint, 'contract');
});

afterAll(async () => {
  await deleteTestBucket(endpoint, bucket);
  client.destroy();
});

// Each test gets its own prefix in the run's bucket, so the contract also checks that the prefix
// is applied to keys and stripped from listings.
describeObjectStoreContract('S3Store', () => {
  storeCount += 1;
  return new S3Store({ bucket, prefix: `contract-${storeCount}`, client });
});
