import type { RgbaImage } from './_image-decode.js';

/** Colour escape codes: 24-bit (`38;2;R;G;B`) or the xterm 256-colour palette (`38;5;N`). */
export type ColorDepth = 'truecolor' | '256';

/** Space for a picture, in terminal cells. */
export interface CellBox {
  columns: number;
  rows: number;
}

/** Upper half block: its foreground colour paints the top pixel and its background the bottom one. */
const UPPER_HALF_BLOCK = '\u2580';

const RESET = '\u001B[0m';
const DEFAULT_BACKGROUND = '\u001B[49m';

/** Levels of each channel in the 6x6x6 colour cube of the xterm 256-colour palette (indexes 16 to 231). */
const CUBE_LEVELS = [0, 95, 135, 175, 215, 255];

/**
 * Renders an image with one upper half block per two pixels, one above the other, so each text
 * row shows two pixel rows. The image is scaled down, never up, to fit `box` with its aspect
 * ratio kept. Every row ends with a reset and a newline. An odd last pixel row keeps the
 * terminal's default background in its lower half.
 * Transparent pixels are blended over black.
 */
export function renderBlocks(image: RgbaImage, box: CellBox, depth: ColorDepth): string {
  const size = fitWithin(image.width, image.height, box.columns, box.rows * 2);
  const scaled = downscale(image, size.width, size.height);
  const lines: string[] = [];

  for (let y = 0; y < scaled.height; y += 2) {
    let line = '';
    let previous = '';
    for (let x = 0; x < scaled.width; x += 1) {
      const top = formatColor(readPixel(scaled, x, y), depth, 'foreground');
      const bottom =
        y + 1 < scaled.height ? formatColor(readPixel(scaled, x, y + 1), depth, 'background') : DEFAULT_BACKGROUND;
      const codes = top + bottom;
      // Repeating the codes of the previous cell changes nothing on screen, so they are left out.
      line += codes === previous ? UPPER_HALF_BLOCK : codes + UPPER_HALF_BLOCK;
      previous = codes;
    }
    lines.push(`${line}${RESET}\n`);
  }
  return lines.join('');
}

/**
 * Returns the largest size with the aspect ratio of `width` x `height` that fits in
 * `maxWidth` x `maxHeight`, never larger than the original and at least 1 x 1.
 */
export function fitWithin(
  width: number,
  height: number,
  maxWidth: number,
  maxHeight: number,
): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return {
    width: Math.max(1, Math.min(maxWidth, Math.round(width * scale))),
    height: Math.max(1, Math.min(maxHeight, Math.round(height * scale))),
  };
}

/**
 * Scales an image down by averaging each target pixel's source area (a box filter), which
 * keeps colours truer than picking one source pixel. Colours are weighted by alpha, which
 * blends transparent pixels over black. Costs one pass over the source pixels.
 */
export function downscale(image: RgbaImage, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);

  for (let targetY = 0; targetY < height; targetY += 1) {
    const startY = Math.floor((targetY * image.height) / height);
    const endY = Math.max(startY + 1, Math.floor(((targetY + 1) * image.height) / height));
    for (let targetX = 0; targetX < width; targetX += 1) {
      const startX = Math.floor((targetX * image.width) / width);
      const endX = Math.max(startX + 1, Math.floor(((targetX + 1) * image.width) / width));

      let red = 0;
      let green = 0;
      let blue = 0;
      let count = 0;
      for (let y = startY; y < endY; y += 1) {
        for (let x = startX; x < endX; x += 1) {
          const offset = (y * image.width + x) * 4;
          const alpha = (image.data[offset + 3] as number) / 255;
          red += (image.data[offset] as number) * alpha;
          green += (image.data[offset + 1] as number) * alpha;
          blue += (image.data[offset + 2] as number) * alpha;
          count += 1;
        }
      }

      const target = (targetY * width + targetX) * 4;
      data[target] = Math.round(red / count);
      data[target + 1] = Math.round(green / count);
      data[target + 2] = Math.round(blue / count);
      data[target + 3] = 255;
    }
  }
  return { width, height, data };
}

/**
 * Returns the xterm 256-colour index nearest to an RGB colour: the closer of the 6x6x6 cube
 * entry (16 to 231) and the 24-step grey ramp (232 to 255), by squared RGB distance.
 */
export function toAnsi256(red: number, green: number, blue: number): number {
  const cube = [red, green, blue].map(nearestCubeLevel) as [number, number, number];
  const cubeIndex = 16 + 36 * cube[0] + 6 * cube[1] + cube[2];
  const cubeColor = cube.map((level) => CUBE_LEVELS[level] as number) as [number, number, number];

  // Grey ramp entry n is the grey 8 + 10n, for n from 0 to 23.
  const average = (red + green + blue) / 3;
  const greyStep = Math.min(23, Math.max(0, Math.round((average - 8) / 10)));
  const grey = 8 + 10 * greyStep;

  const cubeDistance = distance([red, green, blue], cubeColor);
  const greyDistance = distance([red, green, blue], [grey, grey, grey]);
  return greyDistance < cubeDistance ? 232 + greyStep : cubeIndex;
}

function nearestCubeLevel(value: number): number {
  let best = 0;
  for (let level = 1; level < CUBE_LEVELS.length; level += 1) {
    if (Math.abs((CUBE_LEVELS[level] as number) - value) < Math.abs((CUBE_LEVELS[best] as number) - value)) {
      best = level;
    }
  }
  return best;
}

function distance(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, index) => sum + (value - (b[index] as number)) ** 2, 0);
}

function readPixel(image: RgbaImage, x: number, y: number): [number, number, number] {
  const offset = (y * image.width + x) * 4;
  return [image.data[offset] as number, image.data[offset + 1] as number, image.data[offset + 2] as number];
}

function formatColor(rgb: [number, number, number], depth: ColorDepth, layer: 'foreground' | 'background'): string {
  const prefix = layer === 'foreground' ? 38 : 48;
  if (depth === 'truecolor') {
    return `\u001B[${prefix};2;${rgb[0]};${rgb[1]};${rgb[2]}m`;
  }
  return `\u001B[${prefix};5;${toAnsi256(...rgb)}m`;
}
