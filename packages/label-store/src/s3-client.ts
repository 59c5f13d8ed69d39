import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

import { S3Client } from '@aws-sdk/client-s3';

export interface S3ClientOptions {
  /** URL of an S3-compatible server such as SeaweedFS or MinIO; when unset, AWS S3 is used. */
  endpoint?: string;
  /** AWS region; defaults to the AWS configuration, or to `us-east-1` when `endpoint` is set. */
  region?: string;
  /** Puts the bucket in the URL path instead of the host name; defaults to true when `endpoint` is set. */
  forcePathStyle?: boolean;
  /** Attempts per request including retries; the SDK's default is 3. */
  maxAttempts?: number;
  /**
   * Time a request may go without any data from the server before it is abandoned and, within
   * `maxAttempts`, retried, in milliseconds. Unset waits as long as the socket stays open.
   */
  requestTimeoutMs?: number;
  /** Concurrent connections to the server; defaults to `MAX_SOCKETS`. */
  maxSockets?: number;
  /**
   * Fixed credentials for a local test server, such as `test`/`test`. Leave unset everywhere
   * else, so that the standard AWS chain (environment, shared config, instance role) supplies them.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Concurrent connections per client. The SDK's default is also 50; it is set here so that a
 * change of SDK default does not change how hard one process loads the server.
 */
export const MAX_SOCKETS = 50;

/** A dead endpoint should fail a request within seconds rather than hang until the OS gives up. */
export const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * Creates an S3 client with keep-alive connections. With `endpoint` set it also uses path-style
 * URLs and sends and checks checksums only where S3 requires them, because S3-compatible servers
 * often reject the CRC checksum headers that recent SDK versions send by default.
 */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const customEndpoint = options.endpoint !== undefined;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? MAX_SOCKETS };

  return new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? (customEndpoint ? 'us-east-1' : undefined),
    forcePathStyle: options.forcePathStyle ?? customEndpoint,
    maxAttempts: options.maxAttempts,
    // The standard mode retries throttling (503 SlowDown), 5xx responses and network errors with
    // jittered backoff. It is named here so that a change of SDK default does not change it.
    retryMode: 'standard',
    credentials: options.credentials,
    ...(customEndpoint && {
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    }),
    requestHandler: {
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      ...(options.requestTimeoutMs !== undefined && { requestTimeout: options.requestTimeoutMs }),
    },
  });
}

export type { S3Client };
