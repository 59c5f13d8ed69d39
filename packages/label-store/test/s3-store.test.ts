import { afterAll, beforeAll, inject } from 'vitest';

import { createS3Client } from '../src/s3-client.js';
import { S3Store } from '../src/s3-store.js';
import { createTestBucket, deleteTestBucket, TEST_CREDENTIALS, TEST_REGION } from '../../../test-support/s3-test-utils.js';
import { describeObjectStoreContract, EARLY_DESTROY_ROUNDS } from './object-store-contract.js';

const endpoint = inject('s3Endpoint');
// A pool smaller than EARLY_DESTROY_ROUNDS: if a destroyed stream kept its connection, the
// contract's request after the destroyed streams would wait for a free one and time out.
const client = createS3Client({
  endpoint,
  region: TEST_REGION,
  credentials: { ...TEST_CREDENTIALS },
  maxSockets: EARLY_DESTROY_ROUNDS - 3,
});
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

// The same contract with puts sent by LeanS3Put (own Signature V4 signer and node:http) instead
// of the SDK, which is the default for a store that creates its own client.
describeObjectStoreContract('S3Store with lean puts', () => {
  storeCount += 1;
  return new S3Store({ bucket, prefix: `contract-lean-${storeCount}`, client, leanPut: true });
});
