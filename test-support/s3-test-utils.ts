import { randomBytes } from 'node:crypto';

import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command } from './aws-sdk.js';

// Imported by relative path: bare imports from this folder cannot resolve the workspace packages'
// dependencies, and the label-store sources resolve `@aws-sdk/client-s3` from their own package.
import { createS3Client, type S3Client } from '../packages/label-store/src/s3-client.js';

/** Dummy credentials: the local SeaweedFS server runs without an IAM configuration and accepts any. */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
export const TEST_REGION = 'us-east-1';

/** Upper bound on objects removed by `deleteTestBucket`, so a runaway test cannot stall cleanup. */
const MAX_CLEANUP_PAGES = 100;

/** Creates an S3 client for the test server at `endpoint`, with path-style URLs and the dummy credentials. */
export function makeTestS3Client(endpoint: string): S3Client {
  return createS3Client({ endpoint, region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } });
}

/**
 * Creates a bucket with a unique name such as `hotdog-test-lx2k9a-3f9c0d1e` and returns the name.
 * `label` (lower-case letters, digits and `-`) goes into the name to show which test made it.
 */
export async function createTestBucket(endpoint: string, label = 'test'): Promise<string> {
  const bucket = `hotdog-${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`.slice(0, 63);
  const client = makeTestS3Client(endpoint);
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}

/** Deletes every object in a test bucket, then the bucket, so runs against a shared endpoint leave nothing behind. */
export async function deleteTestBucket(endpoint: string, bucket: string): Promise<void> {
  const client = makeTestS3Client(endpoint);
  try {
    for (let page = 0; page < MAX_CLEANUP_PAGES; page++) {
      const listing = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      const keys = (listing.Contents ?? []).flatMap((entry) => (entry.Key ? [entry.Key] : []));
      if (keys.length === 0) break;
      await Promise.all(keys.map((key) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))));
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}

/**
 * Returns the environment variables that let a child process (a worker or CLI under test) reach
 * the test server through the standard AWS credential chain. Merge them over `process.env`.
 */
export function s3TestEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: TEST_REGION,
    S3_ENDPOINT: endpoint,
  };
}
