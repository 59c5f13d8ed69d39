import { deflateSync } from 'node:zlib';

import { downscale, fitWithin } from './_block-image.js';
import type { CellBox } from './_block-image.js';
import type { RgbaImage } from './_image-decode.js';

/**
 * Terminal image protocols: iTerm2's inline images (OSC 1337 File=), which WezTerm also
 * understands, and the kitty graphics protocol (APC G).
 */
export type InlineProtocol = 'iterm2' | 'kitty';

/** Largest side, in pixels, of an image sent through the kitty protocol; it bounds the escape sequence size. */
const MAX_KITTY_SIDE = 800;

/** Base64 characters per kitty escape sequence; the protocol allows at most 4096 per chunk. */
const KITTY_CHUNK_LENGTH = 4096;

/**
 * Terminal cells are about twice as tall as wide. This estimate sizes the kitty placement,
 * whose other side the terminal then computes from the image's aspect ratio.
 */
const CELL_HEIGHT_TO_WIDTH = 2;

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Returns the image protocol of the terminal named by the environment: kitty when KITTY_WINDOW_ID
 * is set or TERM is xterm-kitty, iTerm2 when TERM_PROGRAM is iTerm.app or WezTerm.
 * NOTE: inside tmux or screen these variables describe the outer terminal or are hidden, and the
 * escape sequences would need a passthrough wrapper that this client does not add.
 */
export function detectInlineProtocol(env: Environment): InlineProtocol | undefined {
  if ((env.KITTY_WINDOW_ID ?? '') !== '' || env.TERM === 'xterm-kitty') {
    return 'kitty';
  }
  if (env.TERM_PROGRAM === 'iTerm.app' || env.TERM_PROGRAM === 'WezTerm') {
    return 'iterm2';
  }
  return undefined;
}

/**
 * Formats the original file bytes as an iTerm2 inline image scaled to fit `box` with its aspect
 * ratio kept. The terminal decodes the file itself, so any format it supports works.
 */
export function formatIterm2Image(bytes: Uint8Array, box: CellBox): string {
  const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const parameters = `inline=1;size=${bytes.byteLength};width=${box.columns};height=${box.rows};preserveAspectRatio=1`;
  return `\u001B]1337;File=${parameters}:${payload}\u0007\n`;
}

/**
 * Formats decoded pixels as a kitty graphics protocol image: RGBA (f=32), zlib-compressed
 * (o=z), sent in chunks, shown at once (a=T) and with terminal replies off (q=2) so that no
 * reply reaches the prompt's input. The image is scaled down to MAX_KITTY_SIDE first and shown
 * as wide or as tall as `box` allows.
 */
export function formatKittyImage(image: RgbaImage, box: CellBox): string {
  const size = fitWithin(image.width, image.height, MAX_KITTY_SIDE, MAX_KITTY_SIDE);
  const scaled = downscale(image, size.width, size.height);
  const payload = deflateSync(scaled.data).toString('base64');

  const columnsForFullHeight = (box.rows * CELL_HEIGHT_TO_WIDTH * scaled.width) / scaled.height;
  const placement = columnsForFullHeight <= box.columns ? `r=${box.rows}` : `c=${box.columns}`;
  const firstKeys = `a=T,f=32,o=z,s=${scaled.width},v=${scaled.height},${placement},q=2`;

  let output = '';
  for (let start = 0; start < payload.length; start += KITTY_CHUNK_LENGTH) {
    const chunk = payload.slice(start, start + KITTY_CHUNK_LENGTH);
    const more = start + KITTY_CHUNK_LENGTH < payload.length ? 1 : 0;
    const keys = start === 0 ? `${firstKeys},m=${more}` : `m=${more},q=2`;
    output += `\u001B_G${keys};${chunk}\u001B\\`;
  }
  return `${output}\n`;
}
