import { LABEL_CSV_HEADER, summarizeLabels, type LabelService, type ObjectStore } from '@hotdog-lab/label-store';
import type Router from '@koa/router';
import { readJsonBody } from '../read-json-body.js';
import { HttpError } from '../http-error.js';

/**
 * Largest accepted label request body: 100 answers of about 150 bytes each, with room for
 * long annotator names in any script.
 */
export const MAX_LABELS_BODY_BYTES = 64 * 1024;


export interface LabelRouteOptions {
  labels: LabelService;
  store: ObjectStore;
}

/** Registers `POST /v1/labels`, `GET /v1/labels/summary` and `GET /v1/labels.csv`. */
export function registerLabelRoutes(router: Router, options: LabelRouteOptions): void {
  const { labels, store } = options;

  router.post('/v1/labels', async (ctx) => {
    const body = await readJsonBody(ctx.req, MAX_LABELS_BODY_BYTES);
    if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
      throw new HttpError(400, 'INVALID_BODY', 'request body must be a JSON object such as {"annotator":"ana","answers":[{"image":"<id>","label":1,"answerId":"<uuid>"}]}', {
        details: { field: 'body' },
      });
    }

    const { annotator, answers } = body.value as { annotator?: unknown; answers?: unknown };
    const result = await labels.record(annotator, answers);
    ctx.body = { recorded: result.recorded, duplicates: result.duplicates };
  });

  router.get('/v1/labels/summary', async (ctx) => {
    ctx.body = summarizeLabels(await labels.answers());
  });

  router.get('/v1/labels.csv', async (ctx) => {
    const file = await store.get(labels.labelFile.key);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="labels.csv"');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = file ? Buffer.from(file.body) : LABEL_CSV_HEADER;
  });
}
