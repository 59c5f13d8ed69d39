import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv, readDemoGoldLabels } from '@hotdog-lab/label-store';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pngBytes } from '../../label-store/test/images/image-bytes.js';
import { fetchSample, postLabels, uploadImages } from './_labeling-client.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '../../../test-support/chromium.js';
import { startWorkerProcess, type WorkerProcess } from './_worker-process.js';

/**
 * The labeling page in a real browser: Debian's Chromium, driven by playwright-core, against the
 * built worker binary (dist/cli.js serving dist/web) on a temporary folder store with the demo
 * images. `--gold-demo` marks the demo images as gold, so the consensus measures annotators
 * against their known labels.
 */

const WEB_INDEX = fileURLToPath(new URL('../dist/web/index.html', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const OUTBOX_KEY = 'hotdog-lab.outbox.v1';
const NAME_KEY = 'hotdog-lab.annotator';

/**
 * The browser globals that the callbacks of page.evaluate, page.waitForFunction and
 * addInitScript use. Those callbacks run in the page, but this file is type-checked with Node's
 * types (adding the DOM library would change fetch and Blob for the other tests), so they read
 * the globals through `globalThis as unknown as PageGlobals`.
 */
interface PageGlobals {
  document: {
    activeElement: { id: string } | null;
    documentElement: { scrollWidth: number };
    getElementById(id: string): { textContent: string | null } | null;
    querySelectorAll(selector: string): Iterable<{ complete: boolean; naturalWidth: number }>;
    addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string }) => void): void;
  };
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  console: { error(text: string): void };
}

let dataDir: string;
let worker: WorkerProcess;
let browser: Browser;
/** Console errors, page errors, failed loads and requests that left the worker, per test. */
let problems: string[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing, and the web page tests need it. Install Debian's Chromium as root with ` +
        '`apt-get update && apt-get install -y --no-install-recommends chromium` (.ci/run does this when it is missing).',
    );
  }
  if (!existsSync(WEB_INDEX)) {
    throw new Error(`${WEB_INDEX} is missing; run pnpm build (or pnpm --filter @hotdog-lab/http-worker build) first`);
  }
  await mkdir(ARTIFACTS, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), 'hotdog-web-page-'));
  worker = await startWorkerProcess(['--storage', `fs:${dataDir}`, '--seed-demo', '--gold-demo']);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  if (dataDir) {
    await rm(dataDir, { recursive: true, force: true });
  }
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  const found = problems;
  problems = [];
  expect(found, 'console errors, CSP violations or requests to other hosts').toEqual([]);
});

/**
 * Opens a fresh browser profile (empty localStorage) with a page that reports every problem. The
 * locale is en-US, so numbers show as `formatPercentLikePage` formats them.
 */
async function openPage(options: { viewport?: { width: number; height: number }; expectErrors?: RegExp } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1100, height: 860 }, deviceScaleFactor: 1, locale: 'en-US' });
  contexts.push(context);
  await context.addInitScript(() => {
    const { document, console } = globalThis as unknown as PageGlobals;
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !(options.expectErrors?.test(message.text()) ?? false)) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${worker.url}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      problems.push(`request outside the worker: ${url}`);
    }
  });
  return page;
}

async function waitForText(page: Page, selector: string, text: string | RegExp, timeout = 10_000): Promise<void> {
  try {
    await page.locator(selector, { hasText: text }).first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    const shown = await page.locator(selector).allTextContents();
    throw new Error(`${selector} never showed ${String(text)}; it shows ${JSON.stringify(shown)}`, { cause: error });
  }
}

async function waitForProgress(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (expected) => (globalThis as unknown as PageGlobals).document.getElementById('session-progress')?.textContent === expected,
    text,
    { timeout: 10_000 },
  );
}

/** Waits until every image that `selector` matches has loaded, before a screenshot. */
async function waitForImagesLoaded(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (images) => [...(globalThis as unknown as PageGlobals).document.querySelectorAll(images)].every((image) => image.complete && image.naturalWidth > 0),
    selector,
  );
}

async function activeElementId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id);
}

async function waitForFocus(page: Page, id: string): Promise<void> {
  await page.waitForFunction((expected) => (globalThis as unknown as PageGlobals).document.activeElement?.id === expected, id);
}

async function getStored(page: Page, key: string): Promise<string | null> {
  return page.evaluate((name) => (globalThis as unknown as PageGlobals).localStorage.getItem(name), key);
}

async function setStored(page: Page, key: string, value: string): Promise<void> {
  await page.evaluate(([name, text]) => (globalThis as unknown as PageGlobals).localStorage.setItem(name, text), [key, value] as const);
}

async function currentImageId(page: Page): Promise<string> {
  const id = await page.locator('#current-image').getAttribute('data-image-id');
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  return id!;
}

/** Types the name into the focused name field and presses Enter: no mouse. */
async function startWithKeyboard(page: Page, annotator: string): Promise<void> {
  await page.goto(`${worker.url}/`);
  await waitForFocus(page, 'annotator-input');
  await page.keyboard.type(annotator);
  await page.keyboard.press('Enter');
  await waitForSession(page);
}

/** Waits until a new session shows its first image. */
async function waitForSession(page: Page): Promise<void> {
  await page.locator('#label-session').waitFor({ state: 'visible' });
  await waitForProgress(page, 'Image 1 of 4');
}

interface CsvRow {
  answerId: string;
  image: string;
  label: string;
  annotator: string;
}

async function csvRows(): Promise<CsvRow[]> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'labels', 'labels.csv'), 'utf8');
  } catch {
    return [];
  }
  return parseCsv(text)
    .slice(1)
    .map(({ fields }) => ({ answerId: fields[0]!, image: fields[1]!, label: fields[2]!, annotator: fields[3]! }));
}

const PAGE_PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** Formats a share as the page shows it in the en-US locale, like `formatPercent` in web/src/dom.ts. */
function formatPercentLikePage(value: number): string {
  return PAGE_PERCENT.format(value);
}

/** Formats a confidence like `formatConfidence` in web/src/dom.ts, which never rounds up to 100%. */
function formatConfidenceLikePage(value: number): string {
  const text = PAGE_PERCENT.format(value);
  return value < 1 && text === PAGE_PERCENT.format(1) ? `>${PAGE_PERCENT.format(0.999)}` : text;
}

/** The parts of `GET /v1/labels/consensus` that the results view shows. */
interface ConsensusResponse {
  overall: { needsMoreLabels: number; goldImages: number };
  images: { image: string; label: 0 | 1; confidence: number; gold: 0 | 1 | null; needsMoreLabels: boolean }[];
  annotators: { annotator: string; answers: number; accuracy: number; goldAnswers: number; goldAccuracy: number | null }[];
}

async function tally(page: Page): Promise<string[]> {
  return Promise.all(['#tally-yes', '#tally-no', '#tally-skip'].map(async (selector) => (await page.locator(selector).textContent()) ?? ''));
}

async function storedOutbox(page: Page): Promise<{ annotator: string; answers: { image: string; label: number; answerId: string }[] }[]> {
  return JSON.parse((await getStored(page, OUTBOX_KEY)) ?? '[]');
}

describe('the labeling page in Chromium', () => {
  it('loads with the security headers and no console errors or CSP violations', async () => {
    const page = await openPage();
    const response = await page.goto(`${worker.url}/`);

    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await waitForFocus(page, 'annotator-input');
    // The style sheet applied: CSP blocks nothing that the page needs.
    expect(await page.locator('#start-button').evaluate((button) => (globalThis as unknown as { getComputedStyle(element: unknown): { borderRadius: string } }).getComputedStyle(button).borderRadius)).toBe('10px');
    expect(await page.title()).toBe('Label · Hot dog or not');
  });

  it("shows the worker's message for an invalid name", async () => {
    const expected = (await (await fetch(`${worker.url}/v1/images/sample?annotator=${encodeURIComponent('=cmd')}`)).json()) as { error: { message: string } };
    const page = await openPage({ expectErrors: /status of 400/ });
    await page.goto(`${worker.url}/`);
    await waitForFocus(page, 'annotator-input');
    await page.keyboard.type('=cmd');
    await page.keyboard.press('Enter');

    await waitForText(page, '#annotator-error', expected.error.message);
    expect(await page.locator('#annotator-input').getAttribute('aria-invalid')).toBe('true');
    expect(await activeElementId(page)).toBe('annotator-input');
  });

  it('labels 4 images with the keyboard only, with one undo, and writes exactly 4 rows', async () => {
    const annotator = 'Kim Keyboard';
    const before = await csvRows();
    const page = await openPage();
    await startWithKeyboard(page, annotator);
    expect(await page.locator('#who-name').textContent()).toBe(annotator);

    const expected = new Map<string, string>();
    const first = await currentImageId(page);
    await page.keyboard.press('h');
    await waitForProgress(page, 'Image 2 of 4');
    expected.set(first, '1');

    const second = await currentImageId(page);
    await page.keyboard.press('n');
    await waitForProgress(page, 'Image 3 of 4');
    expected.set(second, '0');
    expect(await tally(page)).toEqual(['1', '1', '0']);
    await waitForImagesLoaded(page, '#current-image');
    await page.screenshot({ path: join(ARTIFACTS, 'labeling.png') });

    const third = await currentImageId(page);
    await page.keyboard.press('1');
    await waitForProgress(page, 'Image 4 of 4');
    expect(await tally(page)).toEqual(['2', '1', '0']);
    await page.keyboard.press('u');
    await waitForProgress(page, 'Image 3 of 4');
    expect(await currentImageId(page)).toBe(third);
    expect(await tally(page)).toEqual(['1', '1', '0']);
    await page.keyboard.press('0');
    await waitForProgress(page, 'Image 4 of 4');
    expected.set(third, '0');

    const fourth = await currentImageId(page);
    await page.keyboard.press('H');
    expected.set(fourth, '1');

    await waitForText(page, '#send-status', 'Saved: 4 answers recorded.');
    expect(await page.locator('#done-summary').textContent()).toContain('2 hot dogs, 2 not hot dogs, 0 skipped');
    expect(await activeElementId(page)).toBe('label-more');
    await waitForImagesLoaded(page, '#done-list img');
    await page.screenshot({ path: join(ARTIFACTS, 'session-done.png') });
    expect(await storedOutbox(page)).toEqual([]);
    expect(await getStored(page, NAME_KEY)).toBe(annotator);

    const after = await csvRows();
    expect(after).toHaveLength(before.length + 4);
    const added = after.slice(before.length);
    expect(added.map((row) => row.annotator)).toEqual([annotator, annotator, annotator, annotator]);
    expect(new Map(added.map((row) => [row.image, row.label]))).toEqual(expected);
    expect(new Set(added.map((row) => row.answerId)).size).toBe(4);

    // "Label 4 more" has the focus: Enter starts the next session with 4 other images; skips send nothing.
    await page.keyboard.press('Enter');
    await waitForSession(page);
    await page.keyboard.press('s');
    await waitForProgress(page, 'Image 2 of 4');
    await page.keyboard.press('Backspace');
    await waitForProgress(page, 'Image 1 of 4');
    expect(await tally(page)).toEqual(['0', '0', '0']);
    for (let i = 0; i < 4; i += 1) {
      expect(expected.has(await currentImageId(page))).toBe(false);
      await page.keyboard.press('s');
    }
    await waitForText(page, '#send-status', 'Nothing to send: every image was skipped.');
    expect(await csvRows()).toHaveLength(after.length);
  });

  it('retries a failed send with the same answer ids', async () => {
    const annotator = 'Rita Retry';
    const page = await openPage({ expectErrors: /ERR_FAILED|net::/ });
    const bodies: string[] = [];
    await page.route('**/v1/labels', async (route) => {
      bodies.push(route.request().postData() ?? '');
      await (bodies.length === 1 ? route.abort('failed') : route.continue());
    });
    await startWithKeyboard(page, annotator);
    for (const key of ['h', 'h', 'n', 'n']) {
      await page.keyboard.press(key);
    }

    await waitForText(page, '#send-status', 'Saved: 4 answers recorded.');
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe(bodies[0]);
    const sent = JSON.parse(bodies[0]!) as { answers: { answerId: string }[] };
    const rows = (await csvRows()).filter((row) => row.annotator === annotator);
    expect(rows.map((row) => row.answerId).sort()).toEqual(sent.answers.map((answer) => answer.answerId).sort());
  });

  it('keeps answers in localStorage when every attempt fails, and sends them with "Send again"', async () => {
    const annotator = 'Olga Offline';
    const page = await openPage({ expectErrors: /ERR_FAILED|net::/ });
    await page.route('**/v1/labels', (route) => route.abort('failed'));
    await startWithKeyboard(page, annotator);
    for (const key of ['n', '0', '1', 'h']) {
      await page.keyboard.press(key);
    }

    await waitForText(page, '#send-status', /^Not sent: /);
    await page.locator('#outbox-send').waitFor({ state: 'visible' });
    expect(await page.locator('#outbox-text').textContent()).toContain('4 answers are not sent yet');
    const kept = await storedOutbox(page);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.annotator).toBe(annotator);
    expect(kept[0]!.answers.map((answer) => answer.label)).toEqual([0, 0, 1, 1]);
    expect((await csvRows()).filter((row) => row.annotator === annotator)).toEqual([]);

    await page.unroute('**/v1/labels');
    await page.locator('#outbox-send').focus();
    await page.keyboard.press('Enter');
    await waitForText(page, '#send-status', 'Saved: 4 answers recorded.');
    await page.locator('#outbox-send').waitFor({ state: 'hidden' });
    expect(await storedOutbox(page)).toEqual([]);
    const rows = (await csvRows()).filter((row) => row.annotator === annotator);
    expect(rows.map((row) => row.answerId).sort()).toEqual(kept[0]!.answers.map((answer) => answer.answerId).sort());
  });

  it('sends answers left in localStorage by an earlier visit when the page opens', async () => {
    const annotator = 'Lea Later';
    const [image] = (await fetchSample(worker.url, annotator, 1)).images;
    const answerId = crypto.randomUUID();
    const page = await openPage();
    await page.goto(`${worker.url}/`);
    const batch = { id: crypto.randomUUID(), annotator, answers: [{ image: image!.id, label: 1, answerId }], createdAt: '2020-01-01T00:00:00.000Z' };
    await setStored(page, OUTBOX_KEY, JSON.stringify([batch]));
    await page.reload();

    await waitForText(page, '#outbox-text', 'Sent 1 answer kept from an earlier session.');
    expect(await storedOutbox(page)).toEqual([]);
    expect((await csvRows()).filter((row) => row.annotator === annotator).map((row) => row.answerId)).toEqual([answerId]);
  });

  // Runs before the upload test so that its screenshot shows a demo photo: samples offer unlabeled uploads
  // first, because the demo images are gold and never need more labels.
  it('fits a phone screen without sideways scrolling', async () => {
    const page = await openPage({ viewport: { width: 390, height: 844 } });
    await startWithKeyboard(page, 'Pat Phone');
    await waitForImagesLoaded(page, '#current-image');

    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const buttons = await page.locator('#answer-yes').boundingBox();
    expect(buttons!.y + buttons!.height).toBeLessThanOrEqual(844);
    await page.screenshot({ path: join(ARTIFACTS, 'labeling-phone.png') });
  });

  it("uploads a PNG into the catalog and shows the worker's message for a text file named .jpg", async () => {
    const annotator = 'Ulla Upload';
    const png = Buffer.from(pngBytes(40, 30, 0x3c));
    const text = Buffer.from('this is a shopping list, not a photo\n');
    const form = new FormData();
    form.append('annotator', annotator);
    form.append('image', new Blob([text]), 'notes.jpg');
    const rejected = await fetch(`${worker.url}/v1/images`, { method: 'POST', body: form });
    expect(rejected.status).toBe(415);
    const expectedMessage = ((await rejected.json()) as { error: { message: string } }).error.message;

    const page = await openPage({ expectErrors: /status of 415/ });
    await page.goto(`${worker.url}/`);
    await setStored(page, NAME_KEY, annotator);
    await page.goto(`${worker.url}/#upload`);
    await page.locator('#drop-zone').waitFor({ state: 'visible' });
    expect(await page.locator('#file-input').isEnabled()).toBe(true);

    await page.setInputFiles('#file-input', [
      { name: 'grey.png', mimeType: 'image/png', buffer: png },
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: text },
    ]);
    // A file dropped on the drop zone goes the same way.
    const dropped = Buffer.from(pngBytes(20, 20, 0x99));
    const dataTransfer = await page.evaluateHandle((base64) => {
      type Browser = { DataTransfer: new () => { items: { add(file: unknown): void } }; File: new (parts: unknown[], name: string, options: { type: string }) => unknown; atob(text: string): string };
      const browser = globalThis as unknown as Browser;
      const bytes = Uint8Array.from(browser.atob(base64), (char) => char.charCodeAt(0));
      const transfer = new browser.DataTransfer();
      transfer.items.add(new browser.File([bytes], 'dropped.png', { type: 'image/png' }));
      return transfer;
    }, dropped.toString('base64'));
    await page.locator('#drop-zone').dispatchEvent('drop', { dataTransfer });

    const items = page.locator('.upload-item');
    await waitForText(page, '.upload-item', expectedMessage);
    await waitForText(page, '.upload-item', /Added to the catalog: 40 × 30 PNG/);
    await waitForText(page, '.upload-item', /Added to the catalog: 20 × 20 PNG/);
    expect(await items.count()).toBe(3);
    for (const bar of await page.locator('.upload-item progress').all()) {
      expect(await bar.evaluate((element) => (element as unknown as { value: number }).value)).toBe(100);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'upload.png') });

    const catalog = (await fetchSample(worker.url, 'fresh annotator', 50)).images.map((image) => image.id);
    expect(catalog).toContain(createHash('sha256').update(png).digest('hex'));
    expect(catalog).toContain(createHash('sha256').update(dropped).digest('hex'));
    expect(catalog).toHaveLength(24 + 2);
  });

  it('results show consensus, annotators and downloads', async () => {
    // A new image with 2 votes needs more labels. One annotator also labels 2 gold images, 1 of them wrongly.
    const fresh = Buffer.from(pngBytes(24, 24, 0x5a));
    const freshId = createHash('sha256').update(fresh).digest('hex');
    expect((await uploadImages(worker.url, 'Nora New', [{ fileName: 'fresh.png', bytes: fresh, type: 'image/png' }])).status).toBe(201);
    const [firstGold, secondGold] = [...(await readDemoGoldLabels())];
    expect(secondGold).toBeDefined();
    const goldAnswers = [
      { image: firstGold![0], label: firstGold![1], answerId: crypto.randomUUID() },
      { image: secondGold![0], label: (1 - secondGold![1]) as 0 | 1, answerId: crypto.randomUUID() },
    ];
    expect((await postLabels(worker.url, { annotator: 'Gina Gold', answers: [...goldAnswers, { image: freshId, label: 1, answerId: crypto.randomUUID() }] })).status).toBe(200);
    expect((await postLabels(worker.url, { annotator: 'Nora New', answers: [{ image: freshId, label: 1, answerId: crypto.randomUUID() }] })).status).toBe(200);

    const summary = (await (await fetch(`${worker.url}/v1/labels/summary`)).json()) as {
      overall: { answers: number };
      images: { image: string; hotDog: number; notHotDog: number }[];
    };
    const consensus = (await (await fetch(`${worker.url}/v1/labels/consensus`)).json()) as ConsensusResponse;
    const page = await openPage();
    await page.goto(`${worker.url}/#results`);
    await page.locator('#annotators-body tr').first().waitFor();

    expect(await page.locator('#results-body tr').count()).toBe(summary.images.length);
    for (const image of summary.images) {
      const cells = page.locator(`#results-body tr[data-image-id="${image.image}"] td.num`);
      expect(await cells.allTextContents()).toEqual([String(image.hotDog), String(image.notHotDog)]);
    }
    expect(await page.locator('#overall').textContent()).toContain(`Answers${summary.overall.answers}`);
    expect(await page.locator('#overall').textContent()).toContain(`Gold images${consensus.overall.goldImages}`);
    expect(await page.locator('#overall').textContent()).toContain(`Need more labels${consensus.overall.needsMoreLabels}`);

    // Every image's consensus label, confidence and marks as the consensus endpoint returns them.
    expect(consensus.images.map((image) => image.image).sort()).toEqual(summary.images.map((image) => image.image).sort());
    for (const image of consensus.images) {
      const row = page.locator(`#results-body tr[data-image-id="${image.image}"]`);
      expect(await row.locator('.consensus-label').textContent(), `label of ${image.image}`).toBe(image.label === 1 ? 'Hot dog' : 'Not hot dog');
      expect(await row.locator('td.confidence').textContent(), `confidence of ${image.image}`).toBe(formatConfidenceLikePage(image.confidence));
      expect(await row.locator('.tag-gold').count(), `gold mark of ${image.image}`).toBe(image.gold === null ? 0 : 1);
      expect(await row.locator('.tag-needs-more').count(), `needs-more mark of ${image.image}`).toBe(image.needsMoreLabels ? 1 : 0);
    }
    const freshConsensus = consensus.images.find((image) => image.image === freshId);
    expect(freshConsensus).toMatchObject({ label: 1, gold: null, needsMoreLabels: true });
    expect(freshConsensus!.confidence).toBeLessThan(1);
    const freshRow = page.locator(`#results-body tr[data-image-id="${freshId}"]`);
    expect(await freshRow.locator('td.consensus').textContent()).toBe('Hot dogNeeds more labels');
    expect(await freshRow.getAttribute('class')).toBe('needs-more');
    const goldRow = page.locator(`#results-body tr[data-image-id="${firstGold![0]}"]`);
    expect(await goldRow.locator('td.confidence').textContent()).toBe('100%');
    expect(await goldRow.locator('.tag-gold').textContent()).toBe('Gold');

    // The annotators table: every annotator in the endpoint's order, with answers and both accuracies.
    const annotatorRows = page.locator('#annotators-body tr');
    expect(await annotatorRows.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-annotator')))).toEqual(
      consensus.annotators.map((annotator) => annotator.annotator),
    );
    for (const annotator of consensus.annotators) {
      const row = page.locator(`#annotators-body tr[data-annotator="${annotator.annotator}"]`);
      expect(await row.locator('th').textContent()).toBe(annotator.annotator);
      expect(await row.locator('td.num').textContent(), `answers of ${annotator.annotator}`).toBe(String(annotator.answers));
      expect(await row.locator('td.estimated-accuracy').textContent(), `accuracy of ${annotator.annotator}`).toBe(formatPercentLikePage(annotator.accuracy));
      const expectedGold =
        annotator.goldAccuracy === null
          ? 'no gold answers'
          : `${formatPercentLikePage(annotator.goldAccuracy)} (${Math.round(annotator.goldAccuracy * annotator.goldAnswers)} of ${annotator.goldAnswers})`;
      expect(await row.locator('td.gold-accuracy').textContent(), `gold accuracy of ${annotator.annotator}`).toBe(expectedGold);
    }
    expect(await page.locator('#annotators-body tr[data-annotator="Gina Gold"] td.gold-accuracy').textContent()).toBe('50% (1 of 2)');
    expect(await page.locator('#annotators-body tr[data-annotator="Nora New"] td.gold-accuracy').textContent()).toBe('no gold answers');

    await waitForImagesLoaded(page, '#results-body img');
    await page.screenshot({ path: join(ARTIFACTS, 'results.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv-link').click()]);
    expect(download.suggestedFilename()).toBe('labels.csv');
    expect(await readFile((await download.path())!, 'utf8')).toBe(await readFile(join(dataDir, 'labels', 'labels.csv'), 'utf8'));

    // The consensus export opens from the keyboard as well.
    await page.locator('#consensus-csv-link').focus();
    const [exported] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(exported.suggestedFilename()).toBe('consensus-labels.csv');
    expect(await readFile((await exported.path())!, 'utf8')).toBe(await (await fetch(`${worker.url}/v1/export/labels.csv`)).text());
  });

  it('results without the consensus endpoint', async () => {
    const summary = (await (await fetch(`${worker.url}/v1/labels/summary`)).json()) as { images: unknown[] };
    expect(summary.images.length).toBeGreaterThan(0);
    const page = await openPage({ expectErrors: /status of 503/ });
    await page.route('**/v1/labels/consensus', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'the consensus is unavailable' } }) }),
    );
    await page.goto(`${worker.url}/#results`);

    await waitForText(page, '#results-error', 'Could not load the consensus labels: the consensus is unavailable.');
    expect(await page.locator('#results-body tr').count()).toBe(summary.images.length);
    expect(new Set(await page.locator('#results-body td.confidence').allTextContents())).toEqual(new Set(['—']));
    expect(new Set(await page.locator('#results-body td.consensus').allTextContents())).toEqual(new Set(['—']));
    expect(await page.locator('#annotators').isHidden()).toBe(true);
    expect(await page.locator('#consensus-note').textContent()).toBe('');
  });

  it('results fit a phone screen', async () => {
    const [image] = (await fetchSample(worker.url, 'Pia Phone', 1)).images;
    expect((await postLabels(worker.url, { annotator: 'Pia Phone', answers: [{ image: image!.id, label: 0, answerId: crypto.randomUUID() }] })).status).toBe(200);
    const page = await openPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${worker.url}/#results`);
    await page.locator('#annotators-body tr').first().waitFor();

    // The thumbnails load lazily, and on a phone most of them start far below the screen.
    for (const thumbnail of await page.locator('#results-body img').all()) {
      await thumbnail.scrollIntoViewIfNeeded();
    }
    await waitForImagesLoaded(page, '#results-body img');
    await page.screenshot({ path: join(ARTIFACTS, 'results-phone.png'), fullPage: true });

    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Both tables fit their boxes, so the consensus columns show without scrolling the table either.
    for (const id of ['results-table', 'annotators-table']) {
      const overflow = await page
        .locator(`#${id}`)
        .evaluate((table) => {
          const wrap = (table as unknown as { parentElement: { scrollWidth: number; clientWidth: number } }).parentElement;
          return wrap.scrollWidth - wrap.clientWidth;
        });
      expect(overflow, `pixels of #${id} hidden to the side`).toBeLessThanOrEqual(0);
    }
  });
});
