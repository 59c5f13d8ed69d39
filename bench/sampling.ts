// Benchmark 4: GET /v1/images/sample latency with the 24 demo images and a small label file,
// against 10,000 more images and a label file of thousands of answers.
import { createHash, randomUUID } from 'node:crypto';

import { imageKey, LabelFile, S3Store, seedDemoImages } from '../packages/label-store/dist/index.js';
import { startWorker } from './lib/child.js';
import { formatNumber, formatRatio, mapWithLimit, medianOf } from './lib/numbers.js';
import { makePng } from './lib/png.js';
import type { BenchmarkReport } from './lib/report.js';
import { createTestBucket, makeTestS3Client, s3TestEnv, type BenchS3 } from './lib/s3.js';
import type { BenchSettings } from './lib/settings.js';

/** The large set's median latency may be at most this multiple of the small set's. */
const TARGET_LATENCY_FACTOR = 2;

/** Puts in flight while generating images. */
const SETUP_CONCURRENCY = 32;

/** Answers per annotator in the generated label files; LabelFile batches all of them into one write. */
const ANSWERS_PER_ANNOTATOR = 100;

interface ImageSet {
  name: string;
  prefix: string;
  images: number;
  answers: number;
}

export async function benchSampling(settings: BenchSettings, log: (line: string) => void, s3: BenchS3): Promise<BenchmarkReport> {
  const startedAt = performance.now();
  const bucket = await createTestBucket(s3.endpoint, 'bench-sample');
  const extraImages = settings.quick ? 500 : 10_000;
  const sets: ImageSet[] = [
    { name: '24 demo images', prefix: 'small', images: 0, answers: 96 },
    { name: `24 + ${formatNumber(extraImages)} images`, prefix: 'large', images: extraImages, answers: settings.quick ? 1_000 : 5_000 },
  ];

  const client = makeTestS3Client(s3.endpoint);
  try {
    for (const set of sets) {
      const setupStartedAt = performance.now();
      await prepareSet(new S3Store({ bucket, prefix: set.prefix, client, leanPut: true }), set);
      log(`sampling: prepared ${set.name} with ${formatNumber(set.answers)} answers in ${((performance.now() - setupStartedAt) / 1000).toFixed(1)} s`);
    }
  } finally {
    client.destroy();
  }

  const timings: SampleTimings[] = [];
  for (const set of sets) {
    const worker = await startWorker(['--storage', `s3://${bucket}/${set.prefix}`, '--s3-endpoint', s3.endpoint], s3TestEnv(s3.endpoint));
    try {
      await timeSamples(worker.url, 1);
      const result = await timeSamples(worker.url, settings.quick ? 2 : 6);
      timings.push(result);
      log(`sampling: ${set.name}: median ${result.medianMs.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ${result.latencies.length} samples`);
    } finally {
      await worker.stop();
    }
  }

  const [small, large] = timings as [SampleTimings, SampleTimings];
  const factor = large.medianMs / small.medianMs;
  return {
    id: '4',
    title: 'Sampling at scale',
    seconds: (performance.now() - startedAt) / 1000,
    tables: [
      {
        title: 'GET /v1/images/sample?count=4, one request at a time over a keep-alive connection, one worker on the S3 server',
        columns: ['image set', 'answers in the label file', 'samples', 'median (ms)', 'p99 (ms)', 'median vs 24 images', 'failed'],
        rows: sets.map((set, index) => {
          const timing = timings[index]!;
          return [
            set.name,
            formatNumber(set.answers),
            formatNumber(timing.latencies.length),
            timing.medianMs.toFixed(2),
            timing.p99Ms.toFixed(2),
            formatRatio(timing.medianMs / small.medianMs),
            String(timing.failed),
          ];
        }),
        notes: [
          'Latency is measured in the benchmark process around each fetch, after 1 s of warm-up requests. ' +
            'Generated images are small distinct PNGs stored directly through S3Store.',
        ],
      },
    ],
    targets: [
      {
        target: `median sample latency with ${formatNumber(extraImages)} more images within ${TARGET_LATENCY_FACTOR}x of 24 images`,
        measured: `${formatRatio(factor)}x (${large.medianMs.toFixed(2)} ms vs ${small.medianMs.toFixed(2)} ms)`,
        met: factor <= TARGET_LATENCY_FACTOR,
      },
    ],
  };
}

interface SampleTimings {
  latencies: number[];
  medianMs: number;
  p99Ms: number;
  failed: number;
}

/** Requests samples one after another for `seconds` and returns their latencies. */
async function timeSamples(url: string, seconds: number): Promise<SampleTimings> {
  const latencies: number[] = [];
  let failed = 0;
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const sentAt = performance.now();
    const response = await fetch(`${url}/v1/images/sample?annotator=bench-annotator&count=4`);
    await response.arrayBuffer();
    if (response.status === 200) latencies.push(performance.now() - sentAt);
    else failed += 1;
  }

  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    latencies,
    medianMs: medianOf(latencies),
    p99Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? NaN,
    failed,
  };
}

/** Stores the demo images, `set.images` generated PNGs and a label file of `set.answers` answers. */
async function prepareSet(store: S3Store, set: ImageSet): Promise<void> {
  const seeded = await seedDemoImages(store);
  const ids = seeded.images.map((image) => image.image.id);

  const generated = await mapWithLimit(
    Array.from({ length: set.images }, (_, index) => index),
    SETUP_CONCURRENCY,
    async (index) => {
      const bytes = makePng(`${set.prefix}-${index}`);
      const id = createHash('sha256').update(bytes).digest('hex');
      await store.put(imageKey(id, 'png'), bytes, { contentType: 'image/png', ifNoneMatch: '*' });
      return id;
    },
  );
  ids.push(...generated);

  const labelFile = new LabelFile(store);
  const annotatorCount = Math.ceil(set.answers / ANSWERS_PER_ANNOTATOR);
  await Promise.all(
    Array.from({ length: annotatorCount }, (_, annotator) => {
      const count = Math.min(ANSWERS_PER_ANNOTATOR, set.answers - annotator * ANSWERS_PER_ANNOTATOR);
      const answers = Array.from({ length: count }, (_, index) => ({
        answerId: randomUUID(),
        image: ids[(annotator * ANSWERS_PER_ANNOTATOR + index) % ids.length]!,
        label: (index % 2) as 0 | 1,
      }));
      return labelFile.append(`setup-${annotator + 1}`, answers);
    }),
  );
}
