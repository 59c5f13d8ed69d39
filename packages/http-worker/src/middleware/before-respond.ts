import type { Context, Middleware } from 'koa';

type Hook = () => void;

/**
 * Runs the hooks that routes registered with `onBeforeRespond` once the status and body are final
 * and before Koa writes the response. Place it outside the error handler, so error responses are
 * final too. A hook that throws is reported on the app and does not change the response.
 */
export function beforeRespond(): Middleware {
  return async (ctx, next) => {
    const hooks: Hook[] = [];
    ctx.state.beforeRespondHooks = hooks;
    await next();

    for (const hook of hooks) {
      try {
        hook();
      } catch (error) {
        ctx.app.emit('error', error, ctx);
      }
    }
  };
}

/**
 * Registers a hook to run just before the response is sent. Returns false when the app does not
 * use `beforeRespond`, so the caller can fall back.
 */
export function onBeforeRespond(ctx: Context, hook: Hook): boolean {
  const hooks = ctx.state.beforeRespondHooks as Hook[] | undefined;
  if (!hooks) return false;
  hooks.push(hook);
  return true;
}
