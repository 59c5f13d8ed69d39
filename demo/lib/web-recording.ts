import type { Browser, Page } from 'playwright-core';

import type { Frame } from './stage.js';

/** Browser viewport of the web recording, in CSS pixels. */
export const WEB_VIEWPORT = { width: 1000, height: 660 };

export interface WebRecordingOptions {
  workerUrl: string;
  /** True label of every image the session may be shown, by image id. */
  truth: ReadonlyMap<string, 0 | 1>;
  annotator: string;
  upload: { name: string; mimeType: string; bytes: Buffer };
  /** Multiplies every hold time: 1 for the published recording, less for the smoke test. */
  holdScale: number;
  /** Types the name in one step instead of key by key. */
  fastTyping: boolean;
}

export interface WebRecording {
  frames: Frame[];
  /** The images labeled in the session with the key pressed for each, in order. */
  answers: { image: string; label: 0 | 1 }[];
  /** The text of the upload row after the upload finished. */
  uploadStatus: string;
}

/** The browser globals that page callbacks use; this folder is type-checked without the DOM library. */
interface PageGlobals {
  document: {
    activeElement: { id: string } | null;
    getElementById(id: string): { textContent: string | null; scrollIntoView(options: { block: string }): void } | null;
    querySelectorAll(selector: string): Iterable<{ complete: boolean; naturalWidth: number; getBoundingClientRect(): { top: number; bottom: number } }>;
    getAnimations(): unknown[];
  };
  innerHeight: number;
}

const CAPTIONS = {
  start: 'Web page · 1/4 · Open the labeling page and enter a name',
  label: 'Web page · 2/4 · Label 4 images with the keyboard: H = hot dog, N = not hot dog',
  undo: 'Web page · 2/4 · A wrong key? U undoes the last answer',
  saved: 'Web page · 2/4 · After the 4th answer the page sends all 4 to the worker',
  upload: 'Web page · 3/4 · Upload an image: it is stored under its SHA-256 and joins the catalog',
  results: 'Web page · 4/4 · Results: votes, consensus label and confidence for every labeled image',
  annotators: 'Web page · 4/4 · Results: the estimated accuracy of each annotator',
};

/**
 * Records the labeling page in Chromium: a name typed with the keyboard, 4 images labeled with
 * the keyboard (one wrong key undone), one upload, and the results view. Each step waits for what
 * the page shows and throws when it never shows, so a broken page fails the recording.
 */
export async function recordWeb(browser: Browser, options: WebRecordingOptions): Promise<WebRecording> {
  const context = await browser.newContext({ viewport: WEB_VIEWPORT, deviceScaleFactor: 1, locale: 'en-US' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  const frames: Frame[] = [];
  const shoot = async (caption: string, seconds: number) => {
    // Let the button press animation end, so a frame never shows the last answer's button lit.
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getAnimations().length === 0);
    frames.push({ caption, seconds: seconds * options.holdScale, screenshot: await page.screenshot() });
  };

  try {
    await page.goto(`${options.workerUrl}/`);
    await waitForFocus(page, 'annotator-input');
    await shoot(CAPTIONS.start, 1.5);
    await typeName(page, options, shoot);
    await page.keyboard.press('Enter');
    await waitForProgress(page, 1);

    const answers = await labelFourImages(page, options, shoot);
    const uploadStatus = await uploadOne(page, options, shoot);
    await showResults(page, shoot);

    if (problems.length > 0) {
      throw new Error(`the page reported problems during the recording:\n${problems.join('\n')}`);
    }
    return { frames, answers, uploadStatus };
  } finally {
    await context.close();
  }
}

type Shoot = (caption: string, seconds: number) => Promise<void>;

async function typeName(page: Page, options: WebRecordingOptions, shoot: Shoot): Promise<void> {
  if (options.fastTyping) {
    await page.keyboard.type(options.annotator);
  } else {
    for (const character of options.annotator) {
      await page.keyboard.type(character);
      await shoot(CAPTIONS.start, 0.09);
    }
  }
  await shoot(CAPTIONS.start, 1);
}

async function labelFourImages(page: Page, options: WebRecordingOptions, shoot: Shoot): Promise<{ image: string; label: 0 | 1 }[]> {
  const answers: { image: string; label: 0 | 1 }[] = [];
  for (let position = 1; position <= 4; position += 1) {
    await waitForImagesLoaded(page, '#current-image');
    const image = await currentImageId(page);
    const label = options.truth.get(image);
    if (label === undefined) {
      throw new Error(`image ${image} has no known label, so the recording cannot choose a key for it`);
    }
    await shoot(CAPTIONS.label, 1.6);

    if (position === 3) {
      // Press the wrong key, then undo it: the page goes back to image 3 with the tally restored.
      await page.keyboard.press(label === 1 ? 'n' : 'h');
      await waitForProgress(page, 4);
      await waitForImagesLoaded(page, '#current-image');
      await shoot(CAPTIONS.undo, 1.4);
      await page.keyboard.press('u');
      await waitForProgress(page, 3);
      await waitForImagesLoaded(page, '#current-image');
      await shoot(CAPTIONS.undo, 1.6);
    }

    await page.keyboard.press(label === 1 ? 'h' : 'n');
    answers.push({ image, label });
    if (position < 4) {
      await waitForProgress(page, position + 1);
    }
  }

  await waitForText(page, '#send-status', 'Saved: 4 answers recorded.');
  await waitForImagesLoaded(page, '#done-list img');
  await shoot(CAPTIONS.saved, 3);
  return answers;
}

async function uploadOne(page: Page, options: WebRecordingOptions, shoot: Shoot): Promise<string> {
  await page.locator('nav a[data-view="upload"]').click();
  await page.locator('#drop-zone').waitFor({ state: 'visible' });
  await shoot(CAPTIONS.upload, 1.5);

  await page.setInputFiles('#file-input', { name: options.upload.name, mimeType: options.upload.mimeType, buffer: options.upload.bytes });
  await waitForText(page, '.upload-item', /Added to the catalog/);
  await waitForImagesLoaded(page, '.upload-item img');
  await shoot(CAPTIONS.upload, 3.5);
  const status = await page.locator('.upload-item').first().innerText();
  return status.replace(/\s+/g, ' ').trim();
}

async function showResults(page: Page, shoot: Shoot): Promise<void> {
  await page.locator('nav a[data-view="results"]').click();
  await page.locator('#results-body tr').first().waitFor({ state: 'visible' });
  await waitForImagesLoaded(page, '#results-body img');
  await shoot(CAPTIONS.results, 3.5);

  await page.mouse.wheel(0, 420);
  await page.waitForFunction(() => (globalThis as unknown as { scrollY: number }).scrollY > 0);
  await waitForImagesLoaded(page, '#results-body img');
  await shoot(CAPTIONS.results, 3);

  await page.evaluate(() => (globalThis as unknown as PageGlobals).document.getElementById('annotators')?.scrollIntoView({ block: 'center' }));
  await page.locator('#annotators-body tr').first().waitFor({ state: 'visible' });
  await shoot(CAPTIONS.annotators, 3.5);
}

async function waitForFocus(page: Page, id: string): Promise<void> {
  await page.waitForFunction((expected) => (globalThis as unknown as PageGlobals).document.activeElement?.id === expected, id);
}

/** Waits until the page shows "Image N of 4". */
async function waitForProgress(page: Page, position: number): Promise<void> {
  const expected = `Image ${position} of 4`;
  try {
    await page.waitForFunction((text) => (globalThis as unknown as PageGlobals).document.getElementById('session-progress')?.textContent === text, expected, { timeout: 10_000 });
  } catch (error) {
    const shown = await page.locator('#session-progress').textContent();
    throw new Error(`the page never showed "${expected}"; it shows ${JSON.stringify(shown)}`, { cause: error });
  }
}

async function waitForText(page: Page, selector: string, text: string | RegExp): Promise<void> {
  try {
    await page.locator(selector, { hasText: text }).first().waitFor({ state: 'visible', timeout: 10_000 });
  } catch (error) {
    const shown = await page.locator(selector).allTextContents();
    throw new Error(`${selector} never showed ${String(text)}; it shows ${JSON.stringify(shown)}`, { cause: error });
  }
}

/**
 * Waits until every image that `selector` matches and that is inside the viewport has loaded.
 * Images below the viewport are skipped, because the page loads thumbnails lazily.
 */
async function waitForImagesLoaded(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (images) => {
      const { document, innerHeight } = globalThis as unknown as PageGlobals;
      return [...document.querySelectorAll(images)]
        .filter((image) => {
          const box = image.getBoundingClientRect();
          return box.bottom > 0 && box.top < innerHeight;
        })
        .every((image) => image.complete && image.naturalWidth > 0);
    },
    selector,
    { timeout: 10_000 },
  );
}

async function currentImageId(page: Page): Promise<string> {
  const id = await page.locator('#current-image').getAttribute('data-image-id');
  if (id === null || !/^[0-9a-f]{64}$/.test(id)) {
    throw new Error(`#current-image has no image id (data-image-id is ${JSON.stringify(id)})`);
  }
  return id;
}
