import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

import type { S3Client } from '@aws-sdk/client-s3';

import type { PutPrecondition } from './errors/precondition-failed-error.js';
import { CONNECTION_TIMEOUT_MS, MAX_SOCKETS } from './s3-client.js';
import type { CredentialsProvider } from './s3-credentials.js';
import { encodeS3Path, sha256Hex, SigV4Signer, UNSIGNED_PAYLOAD } from './s3-sigv4.js';

export interface LeanS3PutOptions {
  /** The store's SDK client; its region, endpoint and path-style setting decide where puts go. */
  client: S3Client;
  bucket: string;
  credentials: CredentialsProvider;
  /** Attempts per put including retries of transient failures; the SDK's default is 3. */
  maxAttempts?: number;
  /** Concurrent connections to the server; defaults to MAX_SOCKETS. */
  maxSockets?: number;
  /** Time a request may go without any data from the server before the attempt fails, in milliseconds; unset waits as long as the socket stays open. */
  requestTimeoutMs?: number;
}

/** One object to write. The key is the full key in the bucket, prefix included. */
export interface LeanPutRequest {
  key: string;
  body: Uint8Array;
  contentType: string;
  metadata: Record<string, string>;
  precondition: PutPrecondition | undefined;
}

/**
 * An S3 error response, shaped like the AWS SDK's service errors (`name` is the S3 error code and
 * `$metadata.httpStatusCode` the status), so that `s3-errors.ts` maps both in the same way.
 */
export class S3ResponseError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string };

  constructor(code: string, message: string, status: number, requestId: string | undefined) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status, requestId };
  }
}

/** Where puts are sent, resolved once from the client's configuration. */
interface PutTarget {
  protocol: 'http:' | 'https:';
  /** Host name to connect to, without brackets around an IPv6 address. */
  connectHost: string;
  port: number | undefined;
  /** Value of the `Host` header, which is signed. */
  hostHeader: string;
  /** Encoded path up to and including the `/` before the key, such as `/bucket/`. */
  pathPrefix: string;
  region: string;
}

/** Statuses after which S3 asks to send the same request again, as the SDK's standard retry mode does. */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** Largest error response body read, to find the S3 error code; S3 error documents are under 1 KB. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** First retry delay cap in milliseconds, doubled per attempt with full jitter: the SDK's base delay. */
const RETRY_BASE_DELAY_MS = 100;

/** AWS commercial regions such as `eu-west-1`, whose S3 endpoint is `s3.<region>.amazonaws.com`. */
const AWS_COMMERCIAL_REGION = /^[a-z]{2}-[a-z]+-\d+$/;

/** Bucket names that can be a DNS label of a virtual-hosted URL without breaking TLS certificates. */
const VIRTUAL_HOST_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * Sends PutObject requests without the AWS SDK's middleware stack: it signs with Signature V4 on
 * `node:crypto` (`SigV4Signer`, signing key cached per day) and sends with `node:http(s)` over a
 * keep-alive agent. On a 2-core machine an SDK PutObject of about 300 bytes cost about 0.6 ms of CPU,
 * most of it in the SDK's middleware, serializers and per-request objects.
 *
 * Over plain HTTP the payload's SHA-256 is signed; over HTTPS the payload is sent as
 * `UNSIGNED-PAYLOAD`, which S3 allows because TLS already protects the body.
 *
 * `resolveTarget` returns `undefined` for configurations this class does not handle (FIPS,
 * dual-stack or accelerate endpoints, regions outside the AWS commercial partition), and the
 * caller then uses the SDK.
 */
export class LeanS3Put {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #credentials: CredentialsProvider;
  readonly #maxAttempts: number;
  readonly #requestTimeoutMs: number | undefined;
  readonly #httpAgent: HttpAgent;
  readonly #httpsAgent: HttpsAgent;
  #target: Promise<PutTarget | undefined> | undefined;
  #signer: SigV4Signer | undefined;

  constructor(options: LeanS3PutOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#credentials = options.credentials;
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#requestTimeoutMs = options.requestTimeoutMs;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? MAX_SOCKETS };
    this.#httpAgent = new HttpAgent(agentOptions);
    this.#httpsAgent = new HttpsAgent(agentOptions);
  }

  /**
   * Returns whether this configuration is handled here; `put` may be called only when it is.
   * The answer is resolved once from the client's configuration and cached.
   */
  async isSupported(): Promise<boolean> {
    return (await this.#resolveTarget()) !== undefined;
  }

  /**
   * Writes one object and returns its ETag (or `undefined` when the server sent none).
   * Retries transient failures (connection errors, 429 and 5xx) up to `maxAttempts` in total.
   *
   * @throws S3ResponseError for an S3 error response, such as 412 `PreconditionFailed`.
   * @throws the Node.js network error when no response arrived on the last attempt.
   */
  async put(request: LeanPutRequest): Promise<string | undefined> {
    const target = await this.#resolveTarget();
    if (target === undefined) {
      throw new Error('LeanS3Put.put called for a configuration it does not support; check isSupported() first');
    }

    const path = `${target.pathPrefix}${encodeS3Path(request.key)}`;
    const payloadHash = target.protocol === 'https:' ? UNSIGNED_PAYLOAD : sha256Hex(request.body);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#putOnce(target, path, payloadHash, request);
      } catch (error) {
        if (attempt >= this.#maxAttempts || !isTransient(error)) throw error;
        await sleep(Math.random() * RETRY_BASE_DELAY_MS * 2 ** (attempt - 1));
      }
    }
  }

  /** Closes the keep-alive connections. */
  destroy(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }

  async #putOnce(target: PutTarget, path: string, payloadHash: string, request: LeanPutRequest): Promise<string | undefined> {
    const headers: Record<string, string> = {
      host: target.hostHeader,
      'content-length': String(request.body.byteLength),
      'content-type': request.contentType,
    };
    for (const [name, value] of Object.entries(request.metadata)) headers[`x-amz-meta-${name}`] = value;
    if (request.precondition !== undefined) {
      if ('ifMatch' in request.precondition) headers['if-match'] = request.precondition.ifMatch;
      else headers['if-none-match'] = request.precondition.ifNoneMatch;
    }

    const signer = (this.#signer ??= new SigV4Signer(target.region));
    signer.sign({ method: 'PUT', path, headers, payloadHash }, await this.#credentials());

    const response = await this.#send(target, path, headers, request.body);
    if (response.status >= 200 && response.status < 300) return response.etag;
    throw toResponseError(response);
  }

  #send(target: PutTarget, path: string, headers: Record<string, string>, body: Uint8Array): Promise<RawResponse> {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const agent = target.protocol === 'https:' ? this.#httpsAgent : this.#httpAgent;

    return new Promise<RawResponse>((resolve, reject) => {
      const request = send({ method: 'PUT', host: target.connectHost, port: target.port, path, headers, agent }, (response) => {
        readResponse(response).then(resolve, reject);
      });
      request.once('error', reject);
      const requestTimeoutMs = this.#requestTimeoutMs;
      if (requestTimeoutMs !== undefined) {
        request.setTimeout(requestTimeoutMs, () => {
          request.destroy(Object.assign(new Error(`S3 put to ${target.hostHeader} got no data for ${requestTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
        });
      }

      // A new connection that does not open in time fails the attempt; a reused one is already open.
      request.once('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => {
          request.destroy(Object.assign(new Error(`connection to ${target.hostHeader} timed out after ${CONNECTION_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' }));
        }, CONNECTION_TIMEOUT_MS);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      request.end(body);
    });
  }

  #resolveTarget(): Promise<PutTarget | undefined> {
    this.#target ??= resolveTarget(this.#client, this.#bucket);
    return this.#target;
  }
}

interface RawResponse {
  status: number;
  etag: string | undefined;
  requestId: string | undefined;
  /** Start of the body, read only for error responses. */
  body: string;
}

async function readResponse(response: IncomingMessage): Promise<RawResponse> {
  const status = response.statusCode ?? 0;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (status >= 300 && size < MAX_ERROR_BODY_BYTES) {
      chunks.push(chunk);
      size += chunk.length;
    }
  }

  const etag = response.headers.etag;
  const requestId = response.headers['x-amz-request-id'];
  return {
    status,
    etag: typeof etag === 'string' ? etag : undefined,
    requestId: typeof requestId === 'string' ? requestId : undefined,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

/** Names an S3 error by the `<Code>` of its XML body, or by its status when the body has none. */
function toResponseError(response: RawResponse): S3ResponseError {
  const code = xmlElement(response.body, 'Code') ?? codeForStatus(response.status);
  const message = xmlElement(response.body, 'Message') ?? `HTTP ${response.status} from S3 PutObject`;
  return new S3ResponseError(code, message, response.status, response.requestId);
}

function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match?.[1];
}

function codeForStatus(status: number): string {
  switch (status) {
    case 403:
      return 'AccessDenied';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 412:
      return 'PreconditionFailed';
    default:
      return 'UnknownError';
  }
}

function isTransient(error: unknown): boolean {
  if (error instanceof S3ResponseError) {
    return RETRYABLE_STATUSES.has(error.$metadata.httpStatusCode) || error.name === 'SlowDown' || error.name === 'RequestTimeout';
  }
  // Any other error came before a response: a refused, reset or timed-out connection.
  return true;
}

async function resolveTarget(client: S3Client, bucket: string): Promise<PutTarget | undefined> {
  const config = client.config;
  const [useFips, useDualstack] = await Promise.all([config.useFipsEndpoint(), config.useDualstackEndpoint()]);
  if (useFips || useDualstack || config.useAccelerateEndpoint) return undefined;

  const region = await config.region();
  const pathStyle = config.forcePathStyle === true || !VIRTUAL_HOST_BUCKET.test(bucket);
  const encodedBucket = encodeS3Path(bucket);

  if (config.isCustomEndpoint && config.endpoint) {
    const endpoint = await config.endpoint();
    const protocol = endpoint.protocol === 'https:' ? 'https:' : 'http:';
    const basePath = endpoint.path.endsWith('/') ? endpoint.path : `${endpoint.path}/`;
    const hostname = pathStyle ? endpoint.hostname : `${bucket}.${endpoint.hostname}`;
    const port = endpoint.port;
    const isDefaultPort = port === undefined || (protocol === 'https:' && port === 443) || (protocol === 'http:' && port === 80);
    return {
      protocol,
      connectHost: hostname.replace(/^\[(.*)\]$/, '$1'),
      port,
      hostHeader: isDefaultPort ? hostname : `${hostname}:${port}`,
      pathPrefix: pathStyle ? `${basePath}${encodedBucket}/` : basePath,
      region,
    };
  }

  if (!AWS_COMMERCIAL_REGION.test(region) || region.startsWith('cn-')) return undefined;
  const serviceHost = `s3.${region}.amazonaws.com`;
  const hostname = pathStyle ? serviceHost : `${bucket}.${serviceHost}`;
  return {
    protocol: 'https:',
    connectHost: hostname,
    port: undefined,
    hostHeader: hostname,
    pathPrefix: pathStyle ? `/${encodedBucket}/` : '/',
    region,
  };
}
