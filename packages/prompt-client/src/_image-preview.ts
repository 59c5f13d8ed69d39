import { renderBlocks } from './_block-image.js';
import type { CellBox, ColorDepth } from './_block-image.js';
import { decodeImage } from './_image-decode.js';
import { detectInlineProtocol, formatIterm2Image, formatKittyImage } from './_inline-image.js';
import type { InlineProtocol } from './_inline-image.js';
import { shouldUseColor } from './_output.js';
import type { OutputStream } from './_output.js';

/** Values of `--image-mode`. */
export const IMAGE_MODES = ['auto', 'inline', 'blocks', 'none'] as const;
export type ImageMode = (typeof IMAGE_MODES)[number];

/** Picture style of one session: none, an inline image protocol, or coloured blocks. */
export type PreviewStyle =
  | { kind: 'none' }
  | { kind: 'inline'; protocol: InlineProtocol }
  | { kind: 'blocks'; depth: ColorDepth };

/** Terminal size assumed when the output stream does not report one, as for a pipe. */
const DEFAULT_COLUMNS = 80;
const DEFAULT_ROWS = 24;

/** Rows left free under a picture for the image line, the URL and the prompt with its choices. */
const RESERVED_ROWS = 7;

/** Smallest picture box, so that a tiny or unknown terminal still gets a recognisable picture. */
const MIN_BOX_COLUMNS = 8;
const MIN_BOX_ROWS = 4;

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Chooses how to show pictures for `--image-mode`:
 * - `none` shows none.
 * - `inline` uses the detected protocol, or iTerm2's when none is detected.
 * - `blocks` always draws coloured blocks.
 * - `auto` shows none when colour is off for stdout (not a terminal, NO_COLOR, CI or TERM=dumb),
 *   else the detected inline protocol, else coloured blocks.
 * Blocks use 24-bit colour when COLORTERM is `truecolor` or `24bit`, else the 256-colour palette.
 */
export function choosePreviewStyle(mode: ImageMode, stdout: OutputStream, env: Environment): PreviewStyle {
  const depth: ColorDepth = env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit' ? 'truecolor' : '256';
  const protocol = detectInlineProtocol(env);

  switch (mode) {
    case 'none':
      return { kind: 'none' };
    case 'inline':
      return { kind: 'inline', protocol: protocol ?? 'iterm2' };
    case 'blocks':
      return { kind: 'blocks', depth };
    case 'auto':
      if (!shouldUseColor(stdout, env)) {
        return { kind: 'none' };
      }
      return protocol === undefined ? { kind: 'blocks', depth } : { kind: 'inline', protocol };
  }
}

/** Returns the cells available for a picture: the terminal width less one column, and its height less RESERVED_ROWS. */
export function previewBox(stdout: { columns?: number; rows?: number }): CellBox {
  const columns = stdout.columns !== undefined && stdout.columns > 0 ? stdout.columns : DEFAULT_COLUMNS;
  const rows = stdout.rows !== undefined && stdout.rows > 0 ? stdout.rows : DEFAULT_ROWS;
  return {
    // One column stays free because some terminals wrap when the last column is written.
    columns: Math.max(MIN_BOX_COLUMNS, columns - 1),
    rows: Math.max(MIN_BOX_ROWS, rows - RESERVED_ROWS),
  };
}

/**
 * Renders image bytes in the chosen style, or returns '' for the style `none`.
 * Throws ImageDecodeError when the style needs decoded pixels (kitty or blocks)
 * and the bytes are not a JPEG or PNG within the size limit.
 */
export function renderPreview(bytes: Uint8Array, style: PreviewStyle, box: CellBox): string {
  if (style.kind === 'none') {
    return '';
  }
  if (style.kind === 'inline' && style.protocol === 'iterm2') {
    return formatIterm2Image(bytes, box);
  }

  const image = decodeImage(bytes);
  if (style.kind === 'inline') {
    return formatKittyImage(image, box);
  }
  return renderBlocks(image, box, style.depth);
}
