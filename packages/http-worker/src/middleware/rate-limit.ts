import type { Middleware } from 'koa';
import { HttpError } from '../http-error.js';
import { routeKey } from '../route-key.js';

/**
 * Clients tracked per scope. Past this the least recently seen client is forgotten, which resets
 * its bucket; 10,000 entries take about 1 MB.
 */
export const MAX_TRACKED_CLIENTS = 10_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per client address: `perMinute` requests at once, refilled evenly over a minute.
 * The table keeps at most `maxClients` entries, dropping the least recently seen first.
 */
export class RateLimiter {
  readonly perMinute: number;
  readonly #maxClients: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(perMinute: number, maxClients = MAX_TRACKED_CLIENTS) {
    this.perMinute = perMinute;
    this.#maxClients = maxClients;
  }

  /** Takes one token for `client`; returns 0 when allowed, else the seconds until a token is free. */
  take(client: string, now = Date.now()): number {
    const refillPerMs = this.perMinute / 60_000;
    const bucket = this.#buckets.get(client) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = now;

    // Re-inserting moves the client to the end of the Map's order, which is recency order.
    this.#buckets.delete(client);
    this.#buckets.set(client, bucket);
    if (this.#buckets.size > this.#maxClients) {
      this.#buckets.delete(this.#buckets.keys().next().value!);
    }

    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
  }

  get trackedClients(): number {
    return this.#buckets.size;
  }
}

/** A rate-limited route: method, exact path and the scope name used in errors and metrics. */
export interface LimitedRoute {
  method: string;
  path: string;
  scope: string;
}

/**
 * Responds with 429 `RATE_LIMITED` with `Retry-After` when a client (by `ctx.ip`, which follows
 * X-Forwarded-For only with --trust-proxy) exceeds `perMinute` requests on a limited route.
 * Each route has its own limiter; `perMinute` 0 turns the limit off.
 */
export function rateLimit(perMinute: number, routes: readonly LimitedRoute[], onLimited: (scope: string) => void = () => undefined): Middleware {
  if (perMinute === 0) {
    return async (_ctx, next) => next();
  }

  const limiters = new Map(routes.map((route) => [routeKey(route.method, route.path), { route, limiter: new RateLimiter(perMinute) }]));
  return async (ctx, next) => {
    const entry = limiters.get(routeKey(ctx.method, ctx.path));
    if (entry) {
      const waitSeconds = entry.limiter.take(ctx.ip);
      if (waitSeconds > 0) {
        onLimited(entry.route.scope);
        throw new HttpError(429, 'RATE_LIMITED', `too many ${entry.route.scope} requests from ${ctx.ip}: the limit is ${perMinute} per minute; retry after ${waitSeconds} s`, {
          details: { scope: entry.route.scope, limitPerMinute: perMinute, retryAfterSeconds: waitSeconds },
          headers: { 'Retry-After': String(waitSeconds), Connection: 'close' },
        });
      }
    }
    await next();
  };
}
