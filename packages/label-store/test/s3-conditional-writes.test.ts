import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';

import { createTestBucket, deleteTestBucket, makeTestS3Client } from '../../../test-support/s3-test-utils.js';

// Proves that the S3 server under test checks `If-Match` and `If-None-Match: *` on PutObject
// itself, with the SDK and no store code in between. The S3 store's atomic updates rely on it.
const endpoint = inject('s3Endpoint');
const client = makeTestS3Client(endpoint);
let bucket: string;

beforeAll(async () => {
  bucket = await createTestBucket(endpoint, 'conditional');
});

afterAll(async () => {
  await deleteTestBucket(endpoint, bucket);
  client.destroy();
});

async function put(Key: string, Body: string, conditions: { IfMatch?: string; IfNoneMatch?: string } = {}) {
  return client.send(new PutObjectCommand({ Bucket: bucket, Key, Body, ...conditions }));
}

async function read(Key: string): Promise<string> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
  return (await response.Body?.transformToString()) ?? '';
}

it('server honours If-None-Match: *', async () => {
  await expect(put('none-match.txt', 'first', { IfNoneMatch: '*' })).resolves.toHaveProperty('ETag');

  await expect(put('none-match.txt', 'second', { IfNoneMatch: '*' })).rejects.toMatchObject({
    $metadata: { httpStatusCode: 412 },
  });
  expect(await read('none-match.txt')).toBe('first');
});

it('server honours If-Match', async () => {
  const first = await put('match.txt', 'v1');
  const second = await put('match.txt', 'v2', { IfMatch: first.ETag });
  expect(second.ETag).not.toBe(first.ETag);

  await expect(put('match.txt', 'v3', { IfMatch: first.ETag })).rejects.toMatchObject({
    $metadata: { httpStatusCode: 412 },
  });
  expect(await read('match.txt')).toBe('v2');
});

it('server rejects If-Match on missing key', async () => {
  const attempt = put('never-written.txt', 'x', { IfMatch: '"0123456789abcdef0123456789abcdef"' });

  // AWS S3 returns 404 NoSuchKey here and SeaweedFS returns 412, and the store maps both to PreconditionFailedError.
  await expect(attempt).rejects.toSatisfy((error: { $metadata?: { httpStatusCode?: number } }) =>
    [404, 412].includes(error.$metadata?.httpStatusCode ?? 0),
  );
});
