import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { TERMINAL_CSS } from './terminal-html.js';

/**
 * One picture of a recording: a caption bar above either a browser screenshot or a terminal
 * screen, shown for `seconds`.
 */
export interface Frame {
  caption: string;
  seconds: number;
  /** PNG bytes of a browser screenshot. */
  screenshot?: Buffer;
  /** HTML from `terminalToHtml`. */
  terminalHtml?: string;
}

/** A frame after rendering: the PNG file and how long it shows. */
export interface RenderedFrame {
  file: string;
  seconds: number;
  caption: string;
}

const STAGE_CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; background: #0f131a; }
#stage { display: inline-block; }
#caption { font: 600 20px/1.3 'DejaVu Sans', sans-serif; color: #ffffff; background: #b3261e; padding: 10px 16px; }
#caption .context { font-weight: 400; opacity: 0.85; margin-right: 10px; }
#content img { display: block; }
${TERMINAL_CSS}
`;

/**
 * A Chromium page that composes each frame (caption bar plus content) and screenshots it, so the
 * captions of the browser and terminal recordings look the same.
 */
export class Stage {
  readonly #page: Page;
  readonly #width: number;

  private constructor(page: Page, width: number) {
    this.#page = page;
    this.#width = width;
  }

  /**
   * Opens the stage page. Frames are `width` CSS pixels wide; terminal text uses `fontSize` and
   * `rowHeight` in CSS pixels.
   */
  static async open(browser: Browser, options: { width: number; fontSize: number; rowHeight: number }): Promise<Stage> {
    const page = await browser.newPage({ viewport: { width: options.width, height: 400 }, deviceScaleFactor: 1 });
    await page.setContent(
      `<!doctype html><html><head><meta charset="utf-8"><style>${STAGE_CSS}
      :root { --font-size: ${options.fontSize}px; --row-height: ${options.rowHeight}px; }
      #stage { width: ${options.width}px; }</style></head>
      <body><div id="stage"><div id="caption"></div><div id="content"></div></div></body></html>`,
    );
    return new Stage(page, options.width);
  }

  /**
   * Renders every frame to `<dir>/<prefix>-NNNN.png`, merging neighbours that look the same. All
   * frames get the height of the tallest caption, because a video needs one frame size.
   */
  async render(frames: readonly Frame[], dir: string, prefix: string): Promise<RenderedFrame[]> {
    await this.#fixCaptionHeight(frames.map((frame) => frame.caption));
    const rendered: RenderedFrame[] = [];
    let previousKey: string | undefined;
    for (const frame of frames) {
      const key = `${frame.caption}\u0000${frame.terminalHtml ?? frame.screenshot?.toString('base64')}`;
      const last = rendered.at(-1);
      if (last !== undefined && key === previousKey) {
        last.seconds += frame.seconds;
        continue;
      }
      previousKey = key;

      const file = join(dir, `${prefix}-${String(rendered.length + 1).padStart(4, '0')}.png`);
      await writeFile(file, await this.#shoot(frame));
      rendered.push({ file, seconds: frame.seconds, caption: frame.caption });
    }
    return rendered;
  }

  async #fixCaptionHeight(captions: readonly string[]): Promise<void> {
    const unique = [...new Set(captions)].map(captionHtml);
    await this.#page.evaluate((texts) => {
      const caption = (globalThis as unknown as StageGlobals).document.getElementById('caption')!;
      caption.style.minHeight = '';
      let tallest = 0;
      for (const text of texts) {
        caption.innerHTML = text;
        tallest = Math.max(tallest, caption.offsetHeight);
      }
      caption.style.minHeight = `${tallest}px`;
    }, unique);
  }

  async #shoot(frame: Frame): Promise<Buffer> {
    const caption = captionHtml(frame.caption);
    const content =
      frame.screenshot !== undefined
        ? `<img width="${this.#width}" src="data:image/png;base64,${frame.screenshot.toString('base64')}">`
        : `<div class="terminal">${frame.terminalHtml ?? ''}</div>`;

    await this.#page.evaluate(
      ([captionHtml, contentHtml]) => {
        const document = (globalThis as unknown as StageGlobals).document;
        document.getElementById('caption')!.innerHTML = captionHtml;
        document.getElementById('content')!.innerHTML = contentHtml;
      },
      [caption, content] as const,
    );
    await this.#page.waitForFunction(() => [...(globalThis as unknown as StageGlobals).document.images].every((image) => image.complete));
    return this.#page.locator('#stage').screenshot();
  }

  async close(): Promise<void> {
    await this.#page.close();
  }
}

/** The browser globals that the page callbacks use; this folder is type-checked without the DOM library. */
interface StageGlobals {
  document: {
    getElementById(id: string): { innerHTML: string; offsetHeight: number; style: { minHeight: string } } | null;
    images: Iterable<{ complete: boolean }>;
  };
}

/** Shows the part of a caption before the first ` · ` (such as "Web page · 2/4") in a lighter weight. */
function captionHtml(caption: string): string {
  const parts = caption.split(' · ');
  if (parts.length < 3) {
    return escapeHtml(caption);
  }
  return `<span class="context">${escapeHtml(`${parts[0]} ${parts[1]}`)}</span>${escapeHtml(parts.slice(2).join(' · '))}`;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
