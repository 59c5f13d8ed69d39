/**
 * Converts a terminal screen captured with `tmux capture-pane -p -e` into HTML.
 *
 * The capture is plain text with SGR escape sequences (`ESC [ ... m`) for colours and attributes.
 * Each screen row becomes one `<div class="row">`, and each run of cells with the same style
 * becomes one `<span>` with an inline style. The upper half block `▀`, which the client draws its
 * image previews with, becomes a cell painted with a two-colour gradient, so the pixels of
 * neighbouring rows meet without the gaps that font glyphs leave.
 */

/** Default foreground and background of the rendered terminal. */
export const DEFAULT_FOREGROUND = '#d8dee9';
export const DEFAULT_BACKGROUND = '#1d2330';

/** The 16 basic colours (SGR 30–37 and 90–97), in a palette close to common dark terminal themes. */
const BASIC_COLORS = [
  '#2e3440', '#e06c75', '#98c379', '#e5c07b', '#61afef', '#c678dd', '#56b6c2', '#d8dee9',
  '#5c6370', '#ef8a92', '#b5e08f', '#f0d595', '#8ccaf7', '#d9a0eb', '#7fd4de', '#ffffff',
];

/** Channel levels of the 6x6x6 colour cube in the xterm 256-colour palette (indexes 16 to 231). */
const CUBE_LEVELS = [0, 95, 135, 175, 215, 255];

const UPPER_HALF_BLOCK = '▀';

interface CellStyle {
  foreground: string | undefined;
  background: string | undefined;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

const PLAIN: CellStyle = { foreground: undefined, background: undefined, bold: false, dim: false, italic: false, underline: false, inverse: false };

/** Returns the CSS colour of an xterm 256-colour palette index. */
export function paletteColor(index: number): string {
  if (index < 16) {
    return BASIC_COLORS[index]!;
  }
  if (index < 232) {
    const cube = index - 16;
    return rgb(CUBE_LEVELS[Math.floor(cube / 36)]!, CUBE_LEVELS[Math.floor(cube / 6) % 6]!, CUBE_LEVELS[cube % 6]!);
  }
  const gray = 8 + 10 * (index - 232);
  return rgb(gray, gray, gray);
}

function rgb(red: number, green: number, blue: number): string {
  return `rgb(${red},${green},${blue})`;
}

/**
 * Applies the parameters of one SGR sequence to a style and returns the new style. Parameters it
 * does not know (blink, strike-through, fonts) are ignored, as many terminals do.
 */
export function applySgr(style: CellStyle, parameters: readonly number[]): CellStyle {
  const next = { ...style };
  const codes = parameters.length === 0 ? [0] : parameters;
  for (let i = 0; i < codes.length; i += 1) {
    const code = codes[i]!;
    if (code === 0) {
      Object.assign(next, PLAIN);
    } else if (code === 1) {
      next.bold = true;
    } else if (code === 2) {
      next.dim = true;
    } else if (code === 3) {
      next.italic = true;
    } else if (code === 4) {
      next.underline = true;
    } else if (code === 7) {
      next.inverse = true;
    } else if (code === 22) {
      next.bold = false;
      next.dim = false;
    } else if (code === 23) {
      next.italic = false;
    } else if (code === 24) {
      next.underline = false;
    } else if (code === 27) {
      next.inverse = false;
    } else if (code >= 30 && code <= 37) {
      next.foreground = BASIC_COLORS[code - 30];
    } else if (code >= 90 && code <= 97) {
      next.foreground = BASIC_COLORS[code - 90 + 8];
    } else if (code === 39) {
      next.foreground = undefined;
    } else if (code >= 40 && code <= 47) {
      next.background = BASIC_COLORS[code - 40];
    } else if (code >= 100 && code <= 107) {
      next.background = BASIC_COLORS[code - 100 + 8];
    } else if (code === 49) {
      next.background = undefined;
    } else if (code === 38 || code === 48) {
      // Extended colour: 38;5;N (palette) or 38;2;R;G;B (24-bit); 48 is the same for the background.
      const mode = codes[i + 1];
      let color: string | undefined;
      if (mode === 5 && i + 2 < codes.length) {
        color = paletteColor(codes[i + 2]!);
        i += 2;
      } else if (mode === 2 && i + 4 < codes.length) {
        color = rgb(codes[i + 2]!, codes[i + 3]!, codes[i + 4]!);
        i += 4;
      } else {
        break;
      }
      if (code === 38) {
        next.foreground = color;
      } else {
        next.background = color;
      }
    }
  }
  return next;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function resolvedColors(style: CellStyle): { foreground: string; background: string } {
  const foreground = style.foreground ?? DEFAULT_FOREGROUND;
  const background = style.background ?? DEFAULT_BACKGROUND;
  return style.inverse ? { foreground: background, background: foreground } : { foreground, background };
}

function cssFor(style: CellStyle): string {
  const { foreground, background } = resolvedColors(style);
  const rules: string[] = [];
  if (foreground !== DEFAULT_FOREGROUND) rules.push(`color:${foreground}`);
  if (background !== DEFAULT_BACKGROUND) rules.push(`background:${background}`);
  if (style.bold) rules.push('font-weight:700');
  if (style.dim) rules.push('opacity:0.6');
  if (style.italic) rules.push('font-style:italic');
  if (style.underline) rules.push('text-decoration:underline');
  return rules.join(';');
}

function styledRun(text: string, style: CellStyle): string {
  if (text === '') {
    return '';
  }
  const css = cssFor(style);
  return css === '' ? escapeHtml(text) : `<span style="${css}">${escapeHtml(text)}</span>`;
}

function halfBlockCell(style: CellStyle): string {
  const { foreground, background } = resolvedColors(style);
  return `<span class="half" style="background:linear-gradient(${foreground} 50%,${background} 50%)"></span>`;
}

/** Matches one CSI sequence: ESC [, parameter bytes, intermediate bytes and the final byte. */
const CSI_PATTERN = /\u001B\[([0-?]*)[ -/]*([@-~])/y;

/** Converts one row of captured text to HTML, carrying the SGR state over from the rows above. */
function renderRow(line: string, start: CellStyle): { html: string; style: CellStyle } {
  let style = start;
  let html = '';
  let run = '';
  let i = 0;
  while (i < line.length) {
    const character = line[i]!;
    if (character === '\u001B') {
      html += styledRun(run, style);
      run = '';
      CSI_PATTERN.lastIndex = i;
      const match = CSI_PATTERN.exec(line);
      if (match === null) {
        // A lone ESC or another kind of escape sequence: drop the ESC byte and go on.
        i += 1;
        continue;
      }
      if (match[2] === 'm') {
        const parameters = match[1] === '' ? [] : match[1]!.split(';').map((part) => (part === '' ? 0 : Number(part)));
        style = applySgr(style, parameters);
      }
      i = CSI_PATTERN.lastIndex;
      continue;
    }
    if (character === UPPER_HALF_BLOCK) {
      html += styledRun(run, style) + halfBlockCell(style);
      run = '';
    } else {
      run += character;
    }
    i += 1;
  }
  html += styledRun(run, style);
  return { html, style };
}

/**
 * Converts a captured screen to HTML rows. The result goes inside an element styled by
 * `TERMINAL_CSS`, which sets the font, the row height and the half-block cells.
 */
export function terminalToHtml(capture: string): string {
  const lines = capture.replace(/\n$/, '').split('\n');
  let style = PLAIN;
  const rows: string[] = [];
  for (const line of lines) {
    const row = renderRow(line, style);
    style = row.style;
    rows.push(`<div class="row">${row.html}</div>`);
  }
  return rows.join('');
}

/** Style sheet for the output of `terminalToHtml`: a monospace grid of 1ch by `--row-height` cells. */
export const TERMINAL_CSS = `
.terminal { background: ${DEFAULT_BACKGROUND}; color: ${DEFAULT_FOREGROUND}; font-family: 'DejaVu Sans Mono', monospace;
  font-size: var(--font-size); padding: 12px 16px; white-space: pre; }
.terminal .row { height: var(--row-height); line-height: var(--row-height); overflow: hidden; }
.terminal .half { display: inline-block; width: 1ch; height: var(--row-height); vertical-align: top; }
`;
