// Reference for the stats path: Koa 3 and @koa/router with the same validation and arithmetic as
// the worker and a request id per response, but no transaction log and no other middleware.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import Router from '@koa/router';
import Koa from 'koa';

import { StatsInputError, summarize, validateNumbers } from '../../packages/stats-core/dist/index.js';

/** Same body limit as the worker's stats route. */
const MAX_BODY_BYTES = 16 * 1024;

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

const app = new Koa();
const router = new Router();
router.post('/v1/stats', async (ctx) => {
  ctx.set('X-Request-Id', randomUUID());
  if (!ctx.is('application/json')) ctx.throw(415, 'UNSUPPORTED_MEDIA_TYPE');
  try {
    const value = JSON.parse(await readBody(ctx)) as { numbers?: unknown };
    ctx.body = summarize(validateNumbers(value.numbers));
  } catch (error) {
    ctx.status = 400;
    ctx.body = { error: { code: error instanceof StatsInputError ? error.code : 'INVALID_JSON' } };
  }
});
app.use(router.routes());
app.use(router.allowedMethods());

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'listening', address: `http://127.0.0.1:${port}` }));
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
