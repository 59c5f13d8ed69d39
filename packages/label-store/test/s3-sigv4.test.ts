import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

import { HttpRequest } from '@smithy/protocol-http';
import type { SourceData } from '@smithy/types';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';

import { cacheCredentials, CREDENTIALS_REFRESH_MARGIN_MS, type ExpiringCredentials } from '../src/s3-credentials.js';
import { encodeS3Path, sha256Hex, SigV4Signer, UNSIGNED_PAYLOAD } from '../src/s3-sigv4.js';

/** The hash class that the SDK's signer expects, on node:crypto: HMAC when given a secret. */
class NodeSha256 {
  readonly #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }

  update(data: SourceData): void {
    this.#hash.update(toBytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

function toBytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const signingDate = new Date('2026-05-01T12:34:56.000Z');

/** Signs the same request with the SDK's SignatureV4, as its S3 client does (path escaped once). */
async function sdkAuthorization(path: string, headers: Record<string, string>, region: string, sessionToken?: string) {
  const signer = new SignatureV4({
    credentials: { ...credentials, sessionToken },
    region,
    service: 's3',
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: true,
  });
  const request = new HttpRequest({ method: 'PUT', protocol: 'http:', hostname: 'unused', path, headers: { ...headers } });
  const signed = await signer.sign(request, { signingDate });
  return signed.headers.authorization;
}

describe('SigV4Signer', () => {
  const cases: { name: string; key: string; metadata: Record<string, string>; precondition: Record<string, string> }[] = [
    { name: 'plain key', key: 'logs/stats/2026/05/01/x.txt', metadata: {}, precondition: { 'if-none-match': '*' } },
    { name: 'key with reserved characters', key: "labels/a b+c!'()*~é.csv", metadata: {}, precondition: { 'if-match': '"abc"' } },
    { name: 'metadata with spaces', key: 'images/x.png', metadata: { 'x-amz-meta-original-name': 'a  b.png ', 'x-amz-meta-uploader': 'ann' }, precondition: {} },
  ];

  it.each(cases)('matches the SDK signer: $name', async ({ key, metadata, precondition }) => {
    const body = 'hello';
    const path = `/bucket/${encodeS3Path(key)}`;
    const headers: Record<string, string> = {
      host: '127.0.0.1:8333',
      'content-length': String(body.length),
      'content-type': 'text/plain; charset=utf-8',
      ...metadata,
      ...precondition,
    };
    const expected = await sdkAuthorization(path, { ...headers, 'x-amz-content-sha256': sha256Hex(body) }, 'us-east-1');

    new SigV4Signer('us-east-1').sign({ method: 'PUT', path, headers, payloadHash: sha256Hex(body) }, credentials, signingDate);

    expect(headers.authorization).toBe(expected);
    expect(headers['x-amz-date']).toBe('20260501T123456Z');
  });

  it('matches the SDK signer with a session token and unsigned payload', async () => {
    const path = '/logs/x.txt';
    const headers: Record<string, string> = { host: 'bucket.s3.eu-west-1.amazonaws.com', 'content-length': '5', 'content-type': 'text/plain' };
    const expected = await sdkAuthorization(path, { ...headers, 'x-amz-content-sha256': UNSIGNED_PAYLOAD }, 'eu-west-1', 'token/123');

    new SigV4Signer('eu-west-1').sign({ method: 'PUT', path, headers, payloadHash: UNSIGNED_PAYLOAD }, { ...credentials, sessionToken: 'token/123' }, signingDate);

    expect(headers.authorization).toBe(expected);
    expect(headers['x-amz-security-token']).toBe('token/123');
  });

  it('derives a new signing key on a new day', async () => {
    const signer = new SigV4Signer('us-east-1');
    const nextDay = new Date(signingDate.getTime() + 24 * 3600_000);
    const headers: Record<string, string> = { host: 'h', 'content-length': '0', 'content-type': 'text/plain' };
    const expected = await (async () => {
      const sdk = new SignatureV4({ credentials, region: 'us-east-1', service: 's3', sha256: NodeSha256, uriEscapePath: false });
      const request = new HttpRequest({ method: 'PUT', hostname: 'h', path: '/k', headers: { ...headers, 'x-amz-content-sha256': sha256Hex('') } });
      return (await sdk.sign(request, { signingDate: nextDay })).headers.authorization;
    })();

    signer.sign({ method: 'PUT', path: '/k', headers: { ...headers }, payloadHash: sha256Hex('') }, credentials, signingDate);
    signer.sign({ method: 'PUT', path: '/k', headers, payloadHash: sha256Hex('') }, credentials, nextDay);

    expect(headers.authorization).toBe(expected);
  });
});

describe('encodeS3Path', () => {
  it.each([
    ['a/b.txt', 'a/b.txt'],
    ['a b', 'a%20b'],
    ["!'()*", '%21%27%28%29%2A'],
    ['-_.~', '-_.~'],
    ['é', '%C3%A9'],
  ])('encodes %j as %j', (key, expected) => {
    expect(encodeS3Path(key)).toBe(expected);
  });
});

describe('cacheCredentials', () => {
  it('reuses credentials without expiration', async () => {
    let loads = 0;
    const provider = cacheCredentials(async () => {
      loads += 1;
      return credentials;
    });

    await provider();
    await provider();

    expect(loads).toBe(1);
  });

  it('reloads before expiration', async () => {
    let now = 0;
    let loads = 0;
    const provider = cacheCredentials(async (): Promise<ExpiringCredentials> => {
      loads += 1;
      return { ...credentials, expiration: new Date(now + CREDENTIALS_REFRESH_MARGIN_MS + 60_000) };
    }, () => now);

    await provider();
    now += 30_000;
    await provider();
    expect(loads).toBe(1);

    now += 31_000;
    await provider();
    expect(loads).toBe(2);
  });

  it('shares one load and does not cache a failure', async () => {
    let loads = 0;
    const provider = cacheCredentials(async () => {
      loads += 1;
      if (loads === 1) throw new Error('no credentials');
      return credentials;
    });

    const [first, second] = await Promise.allSettled([provider(), provider()]);
    expect(first.status).toBe('rejected');
    expect(second.status).toBe('rejected');
    expect(await provider()).toBe(credentials);
    expect(loads).toBe(2);
  });
});
