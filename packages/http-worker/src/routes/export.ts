import { formatConsensusCsv, type ConsensusCache } from '@hotdog-lab/label-store';
import type Router from '@koa/router';

export interface ExportRouteOptions {
  consensus: ConsensusCache;
}

/**
 * Registers `GET /v1/export/labels.csv`, the consolidated label of every image with votes as
 * CSV for a training tool, and `GET /v1/labels/consensus`, the same consensus as JSON with the
 * majority vote and the annotator estimates.
 */
export function registerExportRoutes(router: Router, options: ExportRouteOptions): void {
  const { consensus } = options;

  router.get('/v1/export/labels.csv', async (ctx) => {
    const version = await consensus.current();
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="consensus-labels.csv"');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = formatConsensusCsv(version.result);
  });

  router.get('/v1/labels/consensus', async (ctx) => {
    const { result } = await consensus.current();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      overall: result.overall,
      model: result.model,
      settings: result.settings,
      images: result.images.map((image) => ({
        image: image.image,
        answers: image.answers,
        hotDog: image.hotDog,
        notHotDog: image.notHotDog,
        annotators: image.annotators,
        majority: image.majority,
        voteShare: image.voteShare,
        label: image.label,
        confidence: image.confidence,
        gold: image.gold,
        needsMoreLabels: image.needsMoreLabels,
      })),
      annotators: result.annotators,
    };
  });
}
