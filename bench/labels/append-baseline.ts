// Baseline appender for benchmark 3, run as one process of several. Its annotators append their
// answers to the label file on S3 one answer at a time, in one of two ways:
// - unbatched: each annotator has its own LabelFile, so every answer is its own conditional write
//   (read, add the row, put with If-Match, retry on conflict), which is correct but slow;
// - naive: read, add the row and put without a precondition, as in implementations that do not
//   use conditional writes; concurrent writers then overwrite each other's rows.
// Settings come from the environment (see `readSettings`); the result is one JSON line.
import { randomUUID } from 'node:crypto';

import { LabelFile, LABEL_CSV_HEADER, formatLabelRow, openStore, type ObjectStore } from '../../packages/label-store/dist/index.js';

interface Settings {
  mode: 'unbatched' | 'naive';
  annotators: string[];
  answersPerAnnotator: number;
  images: string[];
  /** Epoch milliseconds at which every process starts, so that the processes contend. */
  startAt: number;
  /** Epoch milliseconds after which no new answer is started. */
  stopStartingAt: number;
}

function readSettings(): Settings {
  const env = process.env;
  const mode = env.BENCH_MODE;
  if (mode !== 'unbatched' && mode !== 'naive') throw new Error(`BENCH_MODE must be unbatched or naive, got ${String(mode)}`);
  return {
    mode,
    annotators: (env.BENCH_ANNOTATORS ?? '').split(',').filter(Boolean),
    answersPerAnnotator: Number(env.BENCH_ANSWERS),
    images: (env.BENCH_IMAGES ?? '').split(',').filter(Boolean),
    startAt: Number(env.BENCH_START_AT),
    stopStartingAt: Number(env.BENCH_STOP_STARTING_AT),
  };
}

interface Acknowledged {
  answerId: string;
  latencyMs: number;
  /** Epoch milliseconds of the acknowledgement. */
  at: number;
}

const settings = readSettings();
const store = openStore(`s3://${process.env.BENCH_BUCKET}/${process.env.BENCH_PREFIX}`, { s3Endpoint: process.env.BENCH_S3_ENDPOINT });
const acknowledged: Acknowledged[] = [];
let failures = 0;
const files: LabelFile[] = [];

/** Appends one row without a precondition: the read-modify-write that loses concurrent rows. */
async function naiveAppend(target: ObjectStore, row: string): Promise<void> {
  const current = await target.get('labels/labels.csv');
  const text = current ? new TextDecoder().decode(current.body) : LABEL_CSV_HEADER;
  await target.put('labels/labels.csv', text + row, { contentType: 'text/csv; charset=utf-8' });
}

async function annotate(annotator: string, index: number): Promise<void> {
  const labelFile = new LabelFile(store);
  files.push(labelFile);
  for (let answer = 0; answer < settings.answersPerAnnotator && Date.now() < settings.stopStartingAt; answer++) {
    const item = {
      answerId: randomUUID(),
      image: settings.images[(index + answer) % settings.images.length] as string,
      label: ((index + answer) % 2) as 0 | 1,
    };
    const startedAt = performance.now();
    try {
      if (settings.mode === 'unbatched') {
        await labelFile.append(annotator, [item]);
      } else {
        const row = formatLabelRow({ ...item, annotator, labeledAt: new Date().toISOString() });
        await naiveAppend(store, row);
      }
      acknowledged.push({ answerId: item.answerId, latencyMs: performance.now() - startedAt, at: Date.now() });
    } catch {
      failures += 1;
    }
  }
}

async function main(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, settings.startAt - Date.now())));
  await Promise.all(settings.annotators.map((annotator, index) => annotate(annotator, index)));

  const conflicts = files.reduce((sum, file) => sum + file.stats.conflicts, 0);
  const retries = files.reduce((sum, file) => sum + file.stats.retries, 0);
  console.log(JSON.stringify({ msg: 'done', acknowledged, failures, conflicts, retries }));
  (store as { destroy?: () => void }).destroy?.();
}

void main();
