// Naive baseline for stats with transaction logs: Koa 3 and @koa/router with the same validation
// and arithmetic as the worker, which after each response sends one PutObject through the AWS SDK
// (fire and forget: no queue, no bound on writes in flight, only the SDK's own retries).
// Settings come from the environment: BENCH_S3_ENDPOINT, BENCH_BUCKET, BENCH_PREFIX and the
// AWS credential variables.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import { PutObjectCommand } from '@aws-sdk/client-s3';
import Router from '@koa/router';
import Koa from 'koa';

import { createS3Client } from '../../packages/label-store/dist/index.js';
import { StatsInputError, summarize, validateNumbers, type Summary } from '../../packages/stats-core/dist/index.js';

/** Same body limit as the worker's stats route. */
const MAX_BODY_BYTES = 16 * 1024;

const endpoint = requireEnv('BENCH_S3_ENDPOINT');
const bucket = requireEnv('BENCH_BUCKET');
const prefix = process.env.BENCH_PREFIX ?? '';
const client = createS3Client({ endpoint });
const stats = { written: 0, failed: 0 };

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; the benchmark sets it when it starts this server`);
  return value;
}

async function readBody(ctx: Koa.Context): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) ctx.throw(413, 'BODY_TOO_LARGE');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** About the same text and size (about 300 bytes) as the worker's log record. */
function formatLog(requestId: string, receivedAt: Date, status: number, numbers: number[] | undefined, result: Summary | undefined): string {
  return [
    'stats transaction',
    `request_id: ${requestId}`,
    `received_at: ${receivedAt.toISOString()}`,
    `status: ${status}`,
    `numbers: ${JSON.stringify(numbers ?? null)}`,
    `result: ${JSON.stringify(result ?? null)}`,
    '',
  ].join('\n');
}

const app = new Koa();
const router = new Router();
router.post('/v1/stats', async (ctx) => {
  const requestId = randomUUID();
  const receivedAt = new Date();
  let numbers: number[] | undefined;
  let result: Summary | undefined;
  ctx.set('X-Request-Id', requestId);
  ctx.res.once('finish', () => {
    const iso = receivedAt.toISOString();
    const key = `${prefix}logs/stats/${iso.slice(0, 10).replace(/-/g, '/')}/${iso.replace(/[-:.]/g, '')}-${requestId}.txt`;
    const body = formatLog(requestId, receivedAt, ctx.status, numbers, result);
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain; charset=utf-8' })).then(
      () => (stats.written += 1),
      () => (stats.failed += 1),
    );
  });

  if (!ctx.is('application/json')) ctx.throw(415, 'UNSUPPORTED_MEDIA_TYPE');
  try {
    const value = JSON.parse(await readBody(ctx)) as { numbers?: unknown };
    numbers = validateNumbers(value.numbers);
    result = summarize(numbers);
    ctx.body = result;
  } catch (error) {
    ctx.status = 400;
    ctx.body = { error: { code: error instanceof StatsInputError ? error.code : 'INVALID_JSON' } };
  }
});
app.use(router.routes());

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'listening', address: `http://127.0.0.1:${port}` }));
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.close(() => {
    console.log(JSON.stringify({ msg: 'stopped', ...stats }));
    client.destroy();
    process.exit(0);
  });
  server.closeAllConnections();
});
