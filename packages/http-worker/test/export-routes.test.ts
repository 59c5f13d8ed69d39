import { randomUUID } from 'node:crypto';
import { GOLD_LABELS_KEY, MemoryStore, parseCsv, readDemoGoldLabels } from '@hotdog-lab/label-store';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config.js';
import { startWorker, type Worker } from '../src/worker.js';
import { fetchSample, postLabels } from './_labeling-client.js';

// In-process tests of GET /v1/export/labels.csv, GET /v1/labels/consensus and the sample
// preference for images that need more labels, each on a worker with a memory store.

const CSV_HEADER = 'image,label,confidence,votes,hot_dog_votes,not_hot_dog_votes,annotators,needs_more_labels';
const silent = pino({ level: 'silent' });

interface ConsensusJson {
  overall: { answers: number; images: number; annotators: number; goldImages: number; needsMoreLabels: number; agreement: number | null };
  model: { classPrior: number; iterations: number; converged: boolean };
  settings: { minAnswers: number; minConfidence: number };
  images: {
    image: string;
    answers: number;
    hotDog: number;
    notHotDog: number;
    annotators: number;
    majority: 0 | 1 | 'tie';
    voteShare: number;
    label: 0 | 1;
    confidence: number;
    gold: 0 | 1 | null;
    needsMoreLabels: boolean;
  }[];
  annotators: { annotator: string; answers: number; accuracy: number; goldAnswers: number; goldAccuracy: number | null }[];
}

let demoTruth: Map<string, 0 | 1>;
let demoIds: string[];

beforeAll(async () => {
  demoTruth = await readDemoGoldLabels();
  demoIds = [...demoTruth.keys()].sort();
});

async function label(worker: Worker, annotator: string, answers: readonly [string, 0 | 1][]): Promise<void> {
  const response = await postLabels(worker.url, {
    annotator,
    answers: answers.map(([image, value]) => ({ image, label: value, answerId: randomUUID() })),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function getConsensus(worker: Worker): Promise<ConsensusJson> {
  const response = await fetch(`${worker.url}/v1/labels/consensus`);
  expect(response.status).toBe(200);
  return (await response.json()) as ConsensusJson;
}

async function startMemoryWorker(goldDemo: boolean, store = new MemoryStore()): Promise<Worker> {
  return startWorker({ ...DEFAULT_CONFIG, port: 0, seedDemo: true, goldDemo }, { store, logger: silent });
}

describe('export routes without labels', () => {
  let worker: Worker;
  beforeAll(async () => {
    worker = await startMemoryWorker(false);
  });
  afterAll(async () => {
    await worker.close(5_000);
  });

  it('CSV export is the header only', async () => {
    const response = await fetch(`${worker.url}/v1/export/labels.csv`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await response.text()).toBe(`${CSV_HEADER}\r\n`);
  });

  it('consensus has no images and a null agreement', async () => {
    const consensus = await getConsensus(worker);

    expect(consensus.images).toEqual([]);
    expect(consensus.annotators).toEqual([]);
    expect(consensus.overall.agreement).toBeNull();
  });

  it.each(['/v1/export/labels.csv', '/v1/labels/consensus'])('POST %s is 405', async (path) => {
    const response = await fetch(`${worker.url}${path}`, { method: 'POST' });

    expect(response.status).toBe(405);
  });
});

describe('export routes with demo gold', () => {
  let worker: Worker;
  beforeAll(async () => {
    worker = await startMemoryWorker(true);
    const firstEight = demoIds.slice(0, 8);
    // Two accurate annotators and one who answers the opposite of the truth on every image.
    await label(worker, 'ana', firstEight.map((id) => [id, demoTruth.get(id) as 0 | 1]));
    await label(worker, 'bo', firstEight.map((id) => [id, demoTruth.get(id) as 0 | 1]));
    await label(worker, 'contrary', firstEight.map((id) => [id, (1 - (demoTruth.get(id) as number)) as 0 | 1]));
  });
  afterAll(async () => {
    await worker.close(5_000);
  });

  it('consensus marks demo images gold with their truth', async () => {
    const consensus = await getConsensus(worker);

    expect(consensus.images).toHaveLength(8);
    for (const image of consensus.images) {
      expect(image.gold).toBe(demoTruth.get(image.image));
      expect(image.label).toBe(demoTruth.get(image.image));
      expect(image.confidence).toBe(1);
      expect(image.needsMoreLabels).toBe(false);
    }
    expect(consensus.overall).toMatchObject({ answers: 24, images: 8, annotators: 3, goldImages: 8, needsMoreLabels: 0 });
  });

  it('consensus measures annotators on gold', async () => {
    const consensus = await getConsensus(worker);
    const byName = new Map(consensus.annotators.map((annotator) => [annotator.annotator, annotator]));

    expect(byName.get('ana')).toMatchObject({ answers: 8, goldAnswers: 8, goldAccuracy: 1 });
    expect(byName.get('contrary')).toMatchObject({ answers: 8, goldAnswers: 8, goldAccuracy: 0 });
    expect(byName.get('contrary')?.accuracy).toBeLessThan(0.3);
  });

  it('CSV export has one RFC 4180 row per voted image', async () => {
    const response = await fetch(`${worker.url}/v1/export/labels.csv`);
    const text = await response.text();
    const rows = parseCsv(text).map((record) => record.fields);

    expect(response.headers.get('content-disposition')).toContain('attachment');
    expect(text.split('\r\n').at(-1)).toBe('');
    expect(rows[0]?.join(',')).toBe(CSV_HEADER);
    expect(rows.slice(1).map((row) => row[0])).toEqual(demoIds.slice(0, 8));
    for (const row of rows.slice(1)) {
      expect(row).toEqual([row[0], String(demoTruth.get(row[0] as string)), '1.000000', '3', row[4], row[5], '3', 'false']);
      expect(Number(row[4]) + Number(row[5])).toBe(3);
    }
  });
});

describe('sample preference and gold file', () => {
  let worker: Worker;
  const store = new MemoryStore();
  beforeAll(async () => {
    worker = await startMemoryWorker(false, store);
    const [tied, settled] = [demoIds.slice(0, 4), demoIds.slice(4)];
    // Tied images have 4 answers and need more labels; settled images have 3 unanimous answers.
    // The settled labels alternate, so the class prior stays near 0.5 and cannot decide a tie.
    for (const [index, annotator] of ['a1', 'a2', 'a3', 'a4'].entries()) {
      await label(worker, annotator, tied.map((id) => [id, (index % 2) as 0 | 1]));
    }
    for (const annotator of ['b1', 'b2', 'b3']) {
      await label(worker, annotator, settled.map((id, index) => [id, (index % 2) as 0 | 1]));
    }
  });
  afterAll(async () => {
    await worker.close(5_000);
  });

  it('sample offers images needing labels before fewer answers', async () => {
    const sample = await fetchSample(worker.url, 'newcomer', 4);

    expect(new Set(sample.images.map((image) => image.id))).toEqual(new Set(demoIds.slice(0, 4)));
    expect(sample.remaining).toBe(24);
  });

  it('consensus marks ties as needing labels', async () => {
    const consensus = await getConsensus(worker);

    expect(consensus.images.filter((image) => image.needsMoreLabels).map((image) => image.image)).toEqual(demoIds.slice(0, 4));
    expect(consensus.images.filter((image) => image.majority === 'tie')).toHaveLength(4);
  });
});

describe('gold file in the store', () => {
  it('labels/gold.csv fixes the consensus', async () => {
    const store = new MemoryStore();
    const [first, second] = demoIds as [string, string];
    await store.put(GOLD_LABELS_KEY, `image,label\r\n${first},0\r\n`);
    const worker = await startMemoryWorker(false, store);
    try {
      await label(worker, 'ana', [
        [first, 1],
        [second, 1],
      ]);

      const consensus = await getConsensus(worker);

      expect(consensus.images.find((image) => image.image === first)).toMatchObject({ gold: 0, label: 0, confidence: 1 });
      expect(consensus.images.find((image) => image.image === second)?.gold).toBeNull();
      expect(consensus.annotators[0]).toMatchObject({ goldAnswers: 1, goldAccuracy: 0 });
    } finally {
      await worker.close(5_000);
    }
  });
});
