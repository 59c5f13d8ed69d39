import {
  DEFAULT_SAMPLE_COUNT,
  MAX_SAMPLE_COUNT,
  MemoryStore,
  storeImage,
  validateAnnotator,
  type ConsensusCache,
  type ImageCatalog,
  type LabelService,
  type ObjectStore,
} from '@hotdog-lab/label-store';
import type Router from '@koa/router';
import { HttpError } from '../http-error.js';
import { findImage } from '../find-image.js';
import { readMultipartImages } from '../read-multipart-images.js';
import { SampleCache } from '../sample-cache.js';

/** Maximum files in one upload request; each is held in memory until all of them are checked. */
export const MAX_FILES_PER_UPLOAD = 10;


const IMAGE_ID_PATTERN = /^[0-9a-f]{64}$/;

export interface ImageRouteOptions {
  store: ObjectStore;
  catalog: ImageCatalog;
  labels: LabelService;
  /** Largest accepted upload per file, in bytes. */
  maxUploadBytes: number;
  /** When given, samples offer the images that need more labels first. */
  consensus?: ConsensusCache;
}

/** Registers `GET /v1/images/sample`, `GET /v1/images/:id` and `POST /v1/images`. */
export function registerImageRoutes(router: Router, options: ImageRouteOptions): void {
  const { store, catalog, labels } = options;
  const sampleCache = new SampleCache();

  router.get('/v1/images/sample', async (ctx) => {
    const annotator = validateAnnotator(ctx.query.annotator);
    const count = parseSampleCount(ctx.query.count);

    // The consensus is computed at most once per label file version, from the same answers, and so
    // is the sample index: a sample then costs O(count) instead of O(images + answers).
    const version = await options.consensus?.current();
    const answers = version?.answers ?? (await labels.answers());
    const needsMoreLabels = version && ((id: string) => version.needsMoreLabels(id));
    const { index, labeledBy } = sampleCache.lookup(version ?? answers, answers, catalog.list(), needsMoreLabels);
    const sample = index.sample({ labeledByAnnotator: labeledBy(annotator), count });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      images: sample.images.map((image) => ({ id: image.id, url: `/v1/images/${image.id}`, contentType: image.contentType })),
      remaining: sample.remaining,
    };
  });

  router.get('/v1/images/:id', async (ctx) => {
    const id = String(ctx.params.id);
    if (!IMAGE_ID_PATTERN.test(id)) {
      throw new HttpError(404, 'IMAGE_NOT_FOUND', `image id ${JSON.stringify(id.slice(0, 80))} is not valid; ids are 64 lowercase hex characters`, {
        details: { field: 'id' },
      });
    }

    const image = await findImage(store, catalog, id);
    if (!image) {
      throw new HttpError(404, 'IMAGE_NOT_FOUND', `image ${id} does not exist`, { details: { field: 'id', id } });
    }

    const object = await store.getStream(image.key);
    if (!object) {
      throw new HttpError(404, 'IMAGE_NOT_FOUND', `image ${id} does not exist`, { details: { field: 'id', id } });
    }

    ctx.set('ETag', object.info.etag);
    ctx.set('X-Content-Type-Options', 'nosniff');
    // The id is the content's SHA-256, so the bytes behind a URL never change.
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.type = image.contentType;
    ctx.length = object.info.size;

    // `ctx.fresh` compares the ETag only for a successful status.
    ctx.status = 200;
    if (ctx.fresh) {
      object.body.destroy();
      ctx.status = 304;
      return;
    }
    // Koa pipes the stream and destroys it when the response ends or the client goes away.
    ctx.body = object.body;
  });

  router.post('/v1/images', async (ctx) => {
    const upload = await readMultipartImages(ctx.req, { maxFileBytes: options.maxUploadBytes, maxFiles: MAX_FILES_PER_UPLOAD });
    const uploader = validateAnnotator(upload.fields.annotator);
    if (upload.files.length === 0) {
      throw new HttpError(400, 'NO_FILE', 'the request has no file; send one or more files in fields named "image"', { details: { field: 'image' } });
    }

    // Check every file before storing any, so a rejected request changes nothing.
    const scratch = new MemoryStore();
    for (const file of upload.files) {
      await storeImage(scratch, bytesSource(file.bytes), { uploader, fileName: file.fileName, maxBytes: options.maxUploadBytes });
    }

    const stored = [];
    for (const file of upload.files) {
      const image = await storeImage(store, bytesSource(file.bytes), { uploader, fileName: file.fileName, maxBytes: options.maxUploadBytes });
      catalog.add({ id: image.id, key: image.key, contentType: image.contentType, size: image.size });
      stored.push({
        id: image.id,
        contentType: image.contentType,
        fileName: file.fileName,
        created: image.created,
        width: image.width,
        height: image.height,
      });
    }
    ctx.status = 201;
    ctx.body = { images: stored };
  });
}

function parseSampleCount(value: unknown): number {
  if (value === undefined) {
    return DEFAULT_SAMPLE_COUNT;
  }

  const text = Array.isArray(value) ? String(value[0]) : String(value);
  const count = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!(count >= 1 && count <= MAX_SAMPLE_COUNT)) {
    throw new HttpError(400, 'INVALID_COUNT', `count ${JSON.stringify(text)} is not valid; use a whole number from 1 to ${MAX_SAMPLE_COUNT}`, {
      details: { field: 'count', limit: MAX_SAMPLE_COUNT },
    });
  }
  return count;
}

async function* bytesSource(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}
