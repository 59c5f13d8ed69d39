/**
 * Returns the `METHOD /path` key under which the router would handle a request.
 *
 * @koa/router matches paths case-insensitively and with an optional trailing slash, and it
 * answers HEAD with the GET route. Middleware that guards routes (API token, rate limit)
 * compares this normalized form, so `/V1/Labels.CSV/` cannot slip past a guard on
 * `/v1/labels.csv`.
 */
export function routeKey(method: string, path: string): string {
  const normalizedMethod = method === 'HEAD' ? 'GET' : method.toUpperCase();
  const normalizedPath = path.toLowerCase().replace(/\/+$/, '') || '/';
  return `${normalizedMethod} ${normalizedPath}`;
}
