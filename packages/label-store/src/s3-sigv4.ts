import { createHash, createHmac } from 'node:crypto';

/** AWS credentials as the SDK's providers return them. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Session token of temporary credentials (an instance role, SSO); sent as `x-amz-security-token`. */
  sessionToken?: string;
}

/** A request to sign: the path must already be URI-encoded as it goes on the wire. */
export interface RequestToSign {
  method: string;
  /** Encoded path such as `/bucket/logs/a%20b.txt`, without a query string. */
  path: string;
  /** Header names in lower case. Every header here is signed, so add only headers that are sent as given. */
  headers: Record<string, string>;
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD` (allowed by S3 over TLS only). */
  payloadHash: string;
}

/** Payload hash value that tells S3 the body is not part of the signature. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * Signs requests with AWS Signature Version 4 (header-based, no query string), as described in
 * the AWS documentation "Signature Version 4 signing process" and "Authenticating Requests:
 * Using the Authorization Header (AWS Signature Version 4)" for S3.
 *
 * The signing key depends only on the secret key, the date, the region and the service, so it is
 * derived once per day (four HMACs) and each request then costs two SHA-256 hashes and one HMAC.
 */
export class SigV4Signer {
  readonly region: string;
  readonly service: string;
  #cachedKey: { secretAccessKey: string; date: string; key: Buffer } | undefined;

  constructor(region: string, service = 's3') {
    this.region = region;
    this.service = service;
  }

  /**
   * Adds `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` (for temporary credentials)
   * and `authorization` to `request.headers`, which must already hold `host`.
   */
  sign(request: RequestToSign, credentials: SigningCredentials, now: Date = new Date()): void {
    const amzDate = formatAmzDate(now);
    const date = amzDate.slice(0, 8);
    const headers = request.headers;
    headers['x-amz-date'] = amzDate;
    headers['x-amz-content-sha256'] = request.payloadHash;
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;

    const names = Object.keys(headers).sort();
    let canonicalHeaders = '';
    for (const name of names) {
      canonicalHeaders += `${name}:${canonicalHeaderValue(headers[name] as string)}\n`;
    }
    const signedHeaders = names.join(';');
    const canonicalRequest = `${request.method}\n${request.path}\n\n${canonicalHeaders}\n${signedHeaders}\n${request.payloadHash}`;

    const scope = `${date}/${this.region}/${this.service}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = createHmac('sha256', this.#signingKey(credentials.secretAccessKey, date)).update(stringToSign).digest('hex');

    headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  }

  #signingKey(secretAccessKey: string, date: string): Buffer {
    const cached = this.#cachedKey;
    if (cached && cached.date === date && cached.secretAccessKey === secretAccessKey) return cached.key;

    const dateKey = hmac(`AWS4${secretAccessKey}`, date);
    const regionKey = hmac(dateKey, this.region);
    const serviceKey = hmac(regionKey, this.service);
    const key = hmac(serviceKey, 'aws4_request');
    this.#cachedKey = { secretAccessKey, date, key };
    return key;
  }
}

/** Returns the lower-case hex SHA-256 of a body. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Encodes an object key for an S3 URL path: every byte except the RFC 3986 unreserved characters
 * and `/` becomes `%XX`. S3 signs the path encoded once, so the same text is sent and signed.
 */
export function encodeS3Path(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/');
}

/** Formats a time as `YYYYMMDDTHHMMSSZ`, the SigV4 timestamp form. */
function formatAmzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Trims a header value and collapses runs of spaces, as the canonical request requires. */
function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/ {2,}/g, ' ');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
