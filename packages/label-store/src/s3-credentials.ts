import { defaultProvider } from '@aws-sdk/credential-provider-node';

import type { SigningCredentials } from './s3-sigv4.js';

/** Credentials with the time after which they stop working, when they are temporary. */
export interface ExpiringCredentials extends SigningCredentials {
  expiration?: Date;
}

export type CredentialsProvider = () => Promise<ExpiringCredentials>;

/**
 * Temporary credentials are replaced this long before they expire, so that a request signed just
 * before the expiry still reaches S3 in time. The AWS SDK refreshes 5 minutes early as well.
 */
export const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Wraps a provider so that it is called once and its result reused until CREDENTIALS_REFRESH_MARGIN_MS
 * before `expiration`. Credentials without `expiration` (keys from the environment) are kept for the
 * life of the process. Concurrent calls during a load share it, and a failed load is not cached.
 */
export function cacheCredentials(provider: CredentialsProvider, now: () => number = Date.now): CredentialsProvider {
  let cached: ExpiringCredentials | undefined;
  let loading: Promise<ExpiringCredentials> | undefined;

  const isFresh = (credentials: ExpiringCredentials) =>
    credentials.expiration === undefined || credentials.expiration.getTime() - now() > CREDENTIALS_REFRESH_MARGIN_MS;

  return async () => {
    if (cached !== undefined && isFresh(cached)) return cached;

    loading ??= provider().then(
      (credentials) => {
        cached = credentials;
        loading = undefined;
        return credentials;
      },
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
}

/**
 * Returns the AWS SDK's default Node.js credential chain (environment variables, shared config and
 * credentials files, SSO, web identity, ECS and EC2 instance roles), cached by `cacheCredentials`.
 */
export function defaultCredentialsProvider(): CredentialsProvider {
  // A new chain per load: the SDK's chain memoizes its own result, which would defeat the refresh.
  return cacheCredentials(() => defaultProvider()());
}
