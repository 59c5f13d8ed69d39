import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { PreconditionFailedError } from '../src/errors/precondition-failed-error.js';
import { StorageError } from '../src/errors/storage-error.js';
import { createS3Client } from '../src/s3-client.js';
import { S3Store } from '../src/s3-store.js';
import { listAll } from './object-store-contract.js';

function s3Error(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
    message: `${name} from the mock`,
  });
}

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const s3 = mockClient(client);
const store = new S3Store({ bucket: 'labels', prefix: 'team-a', client });

beforeEach(() => {
  s3.reset();
});

describe('S3Store error mapping', () => {
  it('412 PreconditionFailed on ifMatch', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));

    const attempt = store.put('labels.csv', 'x', { ifMatch: '"abc"' });
    await expect(attempt).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(attempt).rejects.toMatchObject({ key: 'labels.csv', precondition: { ifMatch: '"abc"' } });
  });

  it('412 PreconditionFailed on ifNoneMatch', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));

    await expect(store.put('labels.csv', 'x', { ifNoneMatch: '*' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      precondition: { ifNoneMatch: '*' },
    });
  });

  it('409 ConditionalRequestConflict', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('ConditionalRequestConflict', 409));

    await expect(store.put('labels.csv', 'x', { ifMatch: '"abc"' })).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('NoSuchKey under ifMatch', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('NoSuchKey', 404));

    await expect(store.put('labels.csv', 'x', { ifMatch: '"abc"' })).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('NoSuchKey on get returns undefined', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));

    expect(await store.get('missing.csv')).toBeUndefined();
  });

  it('404 NotFound on head returns undefined', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));

    expect(await store.head('missing.csv')).toBeUndefined();
  });

  it('NoSuchKey on delete succeeds', async () => {
    s3.on(DeleteObjectCommand).rejects(s3Error('NoSuchKey', 404));

    await expect(store.delete('missing.csv')).resolves.toBeUndefined();
  });

  it('500 becomes StorageError', async () => {
    const cause = s3Error('InternalError', 500);
    s3.on(GetObjectCommand).rejects(cause);

    const attempt = store.get('labels.csv');
    await expect(attempt).rejects.toBeInstanceOf(StorageError);
    const error = (await attempt.catch((caught: unknown) => caught)) as StorageError;
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.operation).toBe('get');
    expect(error.key).toBe('labels.csv');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('InternalError');
    expect(error.message).toContain('HTTP 500');
  });

  it('NoSuchBucket is not a missing key', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('NoSuchBucket', 404));

    await expect(store.head('labels.csv')).rejects.toMatchObject({ code: 'STORAGE_ERROR', operation: 'head' });
  });

  it('412 without precondition becomes StorageError', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));

    await expect(store.put('labels.csv', 'x')).rejects.toBeInstanceOf(StorageError);
  });

  it('network failure becomes StorageError', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }));

    const attempt = store.put('labels.csv', 'x');
    await expect(attempt).rejects.toMatchObject({ code: 'STORAGE_ERROR', operation: 'put' });
    await expect(attempt).rejects.toThrow(/no HTTP response/);
  });
});

describe('S3Store requests', () => {
  it('put applies prefix and headers', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"new"' });

    const result = await store.put('labels.csv', 'a,b', { ifMatch: '"old"', contentType: 'text/csv', metadata: { rows: '1' } });

    expect(result.etag).toBe('"new"');
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input?.Bucket).toBe('labels');
    expect(input?.Key).toBe('team-a/labels.csv');
    expect(input?.IfMatch).toBe('"old"');
    expect(input?.IfNoneMatch).toBeUndefined();
    expect(input?.ContentType).toBe('text/csv');
    expect(input?.Metadata).toEqual({ rows: '1' });
  });

  it('get applies prefix and returns the key without it', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));

    await store.get('a/b.txt');

    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input.Key).toBe('team-a/a/b.txt');
  });

  it('list follows continuation tokens', async () => {
    const entry = (key: string) => ({ Key: key, ETag: `"${key}"`, Size: 1, LastModified: new Date(0) });
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
      IsTruncated: true,
      NextContinuationToken: 'page-2',
      Contents: [entry('team-a/logs/1'), entry('team-a/logs/2')],
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 'page-2' }).resolves({
      IsTruncated: true,
      NextContinuationToken: 'page-3',
      Contents: [entry('team-a/logs/3')],
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 'page-3' }).resolves({
      IsTruncated: false,
      Contents: [entry('team-a/logs/4')],
    });

    const listed = await listAll(store, 'logs/', 2);

    expect(listed.map((info) => info.key)).toEqual(['logs/1', 'logs/2', 'logs/3', 'logs/4']);
    expect(listed[0]?.etag).toBe('"team-a/logs/1"');
    const inputs = s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.ContinuationToken)).toEqual([undefined, 'page-2', 'page-3']);
    expect(inputs.every((input) => input.Prefix === 'team-a/logs/' && input.MaxKeys === 2)).toBe(true);
  });

  it('list truncated without token fails', async () => {
    s3.on(ListObjectsV2Command).resolves({ IsTruncated: true, Contents: [] });

    await expect(listAll(store, 'logs/')).rejects.toMatchObject({ code: 'STORAGE_ERROR', operation: 'list' });
  });

  it('list rejects out-of-range pageSize', async () => {
    await expect(listAll(store, '', 0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'pageSize' });
    await expect(listAll(store, '', 1001)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('S3Store options', () => {
  it.each([
    [undefined, ''],
    ['team-a', 'team-a/'],
    ['/team-a/', 'team-a/'],
    ['a/b', 'a/b/'],
  ])('prefix %s becomes %s', (prefix, expected) => {
    expect(new S3Store({ bucket: 'b', prefix, client }).prefix).toBe(expected);
  });

  it('description names bucket and prefix', () => {
    expect(store.description).toBe('s3://labels/team-a/');
  });

  it('custom endpoint settings', async () => {
    const own = new S3Store({ bucket: 'b', endpoint: 'http://127.0.0.1:9' });

    expect(own.client.config.forcePathStyle).toBe(true);
    expect(await own.client.config.region()).toBe('us-east-1');
    expect(await own.client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await own.client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    own.destroy();
  });

  it('one client per store', () => {
    const own = new S3Store({ bucket: 'b', endpoint: 'http://127.0.0.1:9' });

    expect(own.client).toBe(own.client);
    expect(new S3Store({ bucket: 'b', client }).client).toBe(client);
    own.destroy();
  });

  it('createS3Client without endpoint keeps SDK defaults', async () => {
    const plain = createS3Client({ region: 'eu-west-1' });

    expect(plain.config.forcePathStyle).toBe(false);
    expect(await plain.config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
    plain.destroy();
  });
});
