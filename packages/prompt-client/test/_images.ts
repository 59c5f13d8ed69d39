import { createHash } from 'node:crypto';

import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';

export type Rgba = [number, number, number, number];

/** Encodes a PNG whose pixel at (x, y) is `pixel(x, y)`. */
export function createPng(width: number, height: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const png = new PNG({ width, height });
  fill(png.data, width, height, pixel);
  return PNG.sync.write(png);
}

/** Encodes a JPEG (quality 90) whose pixel at (x, y) is `pixel(x, y)`; JPEG ignores alpha. */
export function createJpeg(width: number, height: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const data = Buffer.alloc(width * height * 4);
  fill(data, width, height, pixel);
  return encodeJpeg({ width, height, data }, 90).data;
}

/** Returns a one-colour pixel function. */
export function solid(color: Rgba): () => Rgba {
  return () => color;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function fill(data: Uint8Array, width: number, height: number, pixel: (x: number, y: number) => Rgba): void {
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      data.set(pixel(x, y), (y * width + x) * 4);
    }
  }
}
