import { inflateSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { downscale, fitWithin, renderBlocks, toAnsi256 } from '../src/_block-image.js';
import { decodeImage, ImageDecodeError, sniffImageType } from '../src/_image-decode.js';
import { choosePreviewStyle, previewBox } from '../src/_image-preview.js';
import { detectInlineProtocol, formatIterm2Image, formatKittyImage } from '../src/_inline-image.js';
import { createJpeg, createPng, solid } from './_images.js';
import type { Rgba } from './_images.js';

// Client unit tests of the terminal picture rendering on tiny generated images.

const RED: Rgba = [255, 0, 0, 255];
const BLUE: Rgba = [0, 0, 255, 255];
const BLOCK = '\u2580';
const WIDE_BOX = { columns: 80, rows: 20 };

/** Splits rendered blocks into rows without their trailing newline. */
function rowsOf(rendered: string): string[] {
  expect(rendered.endsWith('\n')).toBe(true);
  return rendered.slice(0, -1).split('\n');
}

function countBlocks(row: string): number {
  return [...row].filter((character) => character === BLOCK).length;
}

describe('renderBlocks on decoded PNG (client unit)', () => {
  const redOverBlue = decodeImage(createPng(4, 4, (_x, y) => (y < 2 ? RED : BLUE)));

  it('draws two pixel rows per text row', () => {
    const rows = rowsOf(renderBlocks(redOverBlue, WIDE_BOX, 'truecolor'));

    expect(rows).toHaveLength(2);
    expect(rows.map(countBlocks)).toEqual([4, 4]);
  });

  it('writes 24-bit codes once per colour run and resets each row', () => {
    const rows = rowsOf(renderBlocks(redOverBlue, WIDE_BOX, 'truecolor'));

    expect(rows[0]).toBe(`\u001B[38;2;255;0;0m\u001B[48;2;255;0;0m${BLOCK.repeat(4)}\u001B[0m`);
    expect(rows[1]).toBe(`\u001B[38;2;0;0;255m\u001B[48;2;0;0;255m${BLOCK.repeat(4)}\u001B[0m`);
  });

  it('writes 256-colour codes', () => {
    const rows = rowsOf(renderBlocks(redOverBlue, WIDE_BOX, '256'));

    expect(rows[0]).toBe(`\u001B[38;5;196m\u001B[48;5;196m${BLOCK.repeat(4)}\u001B[0m`);
    expect(rows[1]).toBe(`\u001B[38;5;21m\u001B[48;5;21m${BLOCK.repeat(4)}\u001B[0m`);
  });

  it('keeps the default background under an odd last pixel row', () => {
    const rows = rowsOf(renderBlocks(decodeImage(createPng(3, 3, solid(RED))), WIDE_BOX, 'truecolor'));

    expect(rows).toHaveLength(2);
    expect(rows[1]).toBe(`\u001B[38;2;255;0;0m\u001B[49m${BLOCK.repeat(3)}\u001B[0m`);
  });

  it('scales a wide image down to the box width', () => {
    const rows = rowsOf(renderBlocks(decodeImage(createPng(100, 50, solid(BLUE))), { columns: 20, rows: 20 }, '256'));

    expect(rows).toHaveLength(5);
    expect(rows.map(countBlocks)).toEqual([20, 20, 20, 20, 20]);
  });

  it('scales a tall image down to the box height', () => {
    const rows = rowsOf(renderBlocks(decodeImage(createPng(10, 100, solid(BLUE))), { columns: 80, rows: 5 }, '256'));

    expect(rows).toHaveLength(5);
    expect(countBlocks(rows[0] as string)).toBe(1);
  });

  it('blends transparent pixels over black', () => {
    const rows = rowsOf(renderBlocks(decodeImage(createPng(2, 2, solid([255, 255, 255, 0]))), WIDE_BOX, 'truecolor'));

    expect(rows[0]).toBe(`\u001B[38;2;0;0;0m\u001B[48;2;0;0;0m${BLOCK.repeat(2)}\u001B[0m`);
  });
});

describe('renderBlocks on decoded JPEG (client unit)', () => {
  it('draws the expected rows in near-original colours', () => {
    const image = decodeImage(createJpeg(16, 8, solid([0, 200, 0, 255])));

    const rendered = renderBlocks(image, WIDE_BOX, 'truecolor');
    const rows = rowsOf(rendered);

    expect(image.width).toBe(16);
    expect(rows).toHaveLength(4);
    expect(rows.map(countBlocks)).toEqual([16, 16, 16, 16]);
    const colours = [...rendered.matchAll(/\u001B\[38;2;(\d+);(\d+);(\d+)m/g)].map((match) => match.slice(1).map(Number));
    expect(colours.length).toBeGreaterThan(0);
    for (const [red, green, blue] of colours) {
      expect(red).toBeLessThan(20);
      expect(green).toBeGreaterThan(180);
      expect(blue).toBeLessThan(20);
    }
  });
});

describe('image helpers (client unit)', () => {
  it.each([
    { width: 100, height: 50, box: [20, 40], expected: { width: 20, height: 10 } },
    { width: 10, height: 100, box: [80, 10], expected: { width: 1, height: 10 } },
    { width: 4, height: 4, box: [80, 40], expected: { width: 4, height: 4 } },
    { width: 1000, height: 1, box: [10, 10], expected: { width: 10, height: 1 } },
  ])('fits $width x $height into $box', ({ width, height, box, expected }) => {
    expect(fitWithin(width, height, box[0] as number, box[1] as number)).toEqual(expected);
  });

  it('averages the source area when scaling down', () => {
    const image = decodeImage(createPng(2, 1, (x) => (x === 0 ? [200, 0, 0, 255] : [0, 0, 100, 255])));

    expect([...downscale(image, 1, 1).data]).toEqual([100, 0, 50, 255]);
  });

  it.each([
    [[255, 0, 0], 196],
    [[0, 0, 255], 21],
    [[0, 0, 0], 16],
    [[255, 255, 255], 231],
    [[128, 128, 128], 244],
    [[95, 135, 175], 67],
  ])('maps RGB %j to palette index %i', (rgb, index) => {
    expect(toAnsi256(...(rgb as [number, number, number]))).toBe(index);
  });

  it.each([
    ['PNG', createPng(1, 1, solid(RED)), 'image/png'],
    ['JPEG', createJpeg(1, 1, solid(RED)), 'image/jpeg'],
    ['GIF', Buffer.from('GIF89a....'), 'image/gif'],
    ['WebP', Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '), 'image/webp'],
    ['text', Buffer.from('hello'), undefined],
  ])('sniffs %s', (_name, bytes, expected) => {
    expect(sniffImageType(bytes)).toBe(expected);
  });

  it('rejects a GIF with ImageDecodeError', () => {
    expect(() => decodeImage(Buffer.from('GIF89a....'))).toThrow(ImageDecodeError);
  });

  it('rejects a PNG header of more pixels than the limit before decoding', () => {
    const header = Buffer.from(createPng(1, 1, solid(RED)));
    header.writeUInt32BE(10_000, 16);
    header.writeUInt32BE(10_000, 20);

    expect(() => decodeImage(header)).toThrow(/10000x10000 pixels, more than the preview limit/);
  });

  it('rejects corrupt PNG data', () => {
    const bytes = Buffer.from(createPng(4, 4, solid(RED)));
    bytes.fill(0, 33);

    expect(() => decodeImage(bytes)).toThrow(ImageDecodeError);
  });
});

describe('inline image protocols (client unit)', () => {
  it.each([
    [{ KITTY_WINDOW_ID: '3' }, 'kitty'],
    [{ TERM: 'xterm-kitty' }, 'kitty'],
    [{ TERM_PROGRAM: 'iTerm.app' }, 'iterm2'],
    [{ TERM_PROGRAM: 'WezTerm' }, 'iterm2'],
    [{ TERM_PROGRAM: 'Apple_Terminal' }, undefined],
    [{}, undefined],
  ])('detects %j as %s', (env, expected) => {
    expect(detectInlineProtocol(env)).toBe(expected);
  });

  it('formats an iTerm2 image with size, box and payload', () => {
    const bytes = createPng(2, 2, solid(RED));

    const text = formatIterm2Image(bytes, { columns: 30, rows: 10 });

    expect(text).toBe(
      `\u001B]1337;File=inline=1;size=${bytes.length};width=30;height=10;preserveAspectRatio=1:${bytes.toString('base64')}\u0007\n`,
    );
  });

  it('splits a kitty image into chunks of at most 4096 characters', () => {
    const noise = createPng(200, 100, (x, y) => [(x * 37 + y * 11) & 0xff, (x * y) & 0xff, (x + y * 53) & 0xff, 255]);

    // At 20 rows the 2:1 image would need 80 columns, more than the box has, so the width is set.
    const text = formatKittyImage(decodeImage(noise), { columns: 60, rows: 20 });

    const chunks = [...text.matchAll(/\u001B_G([^;]*);([^\u001B]*)\u001B\\/g)];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0]?.[1]).toBe('a=T,f=32,o=z,s=200,v=100,c=60,q=2,m=1');
    expect(chunks.slice(1, -1).every((chunk) => chunk[1] === 'm=1,q=2')).toBe(true);
    expect(chunks.at(-1)?.[1]).toBe('m=0,q=2');
    expect(chunks.every((chunk) => (chunk[2] as string).length <= 4096)).toBe(true);
    const payload = Buffer.from(chunks.map((chunk) => chunk[2]).join(''), 'base64');
    expect(inflateSync(payload).length).toBe(200 * 100 * 4);
  });

  it('sizes a tall kitty image by rows', () => {
    const text = formatKittyImage(decodeImage(createPng(10, 40, solid(RED))), { columns: 80, rows: 20 });

    expect(text).toContain('a=T,f=32,o=z,s=10,v=40,r=20,q=2,m=0;');
  });
});

describe('choosePreviewStyle (client unit)', () => {
  const terminal = { write: () => true, isTTY: true };
  const pipe = { write: () => true, isTTY: false };

  it.each([
    { mode: 'auto', stream: terminal, env: {}, expected: { kind: 'blocks', depth: '256' } },
    { mode: 'auto', stream: terminal, env: { COLORTERM: 'truecolor' }, expected: { kind: 'blocks', depth: 'truecolor' } },
    { mode: 'auto', stream: terminal, env: { COLORTERM: '24bit' }, expected: { kind: 'blocks', depth: 'truecolor' } },
    { mode: 'auto', stream: terminal, env: { TERM_PROGRAM: 'WezTerm' }, expected: { kind: 'inline', protocol: 'iterm2' } },
    { mode: 'auto', stream: terminal, env: { KITTY_WINDOW_ID: '1' }, expected: { kind: 'inline', protocol: 'kitty' } },
    { mode: 'auto', stream: terminal, env: { NO_COLOR: '1', KITTY_WINDOW_ID: '1' }, expected: { kind: 'none' } },
    { mode: 'auto', stream: terminal, env: { CI: 'true' }, expected: { kind: 'none' } },
    { mode: 'auto', stream: terminal, env: { TERM: 'dumb' }, expected: { kind: 'none' } },
    { mode: 'auto', stream: pipe, env: {}, expected: { kind: 'none' } },
    { mode: 'inline', stream: pipe, env: {}, expected: { kind: 'inline', protocol: 'iterm2' } },
    { mode: 'inline', stream: pipe, env: { TERM: 'xterm-kitty' }, expected: { kind: 'inline', protocol: 'kitty' } },
    { mode: 'blocks', stream: pipe, env: { NO_COLOR: '1' }, expected: { kind: 'blocks', depth: '256' } },
    { mode: 'none', stream: terminal, env: { KITTY_WINDOW_ID: '1' }, expected: { kind: 'none' } },
  ] as const)('chooses $expected.kind for $mode with $env', ({ mode, stream, env, expected }) => {
    expect(choosePreviewStyle(mode, stream, env)).toEqual(expected);
  });

  it.each([
    [{ columns: 100, rows: 40 }, { columns: 99, rows: 33 }],
    [{}, { columns: 79, rows: 17 }],
    [{ columns: 3, rows: 2 }, { columns: 8, rows: 4 }],
  ])('sizes the picture box for %j', (size, expected) => {
    expect(previewBox(size)).toEqual(expected);
  });
});
