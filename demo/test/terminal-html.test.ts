import { describe, expect, it } from 'vitest';

import { applySgr, paletteColor, terminalToHtml } from '../lib/terminal-html.js';

const ESC = '\u001B';
const PLAIN = { foreground: undefined, background: undefined, bold: false, dim: false, italic: false, underline: false, inverse: false };

describe('paletteColor', () => {
  it.each([
    [1, '#e06c75'],
    [16, 'rgb(0,0,0)'],
    [196, 'rgb(255,0,0)'],
    [231, 'rgb(255,255,255)'],
    [232, 'rgb(8,8,8)'],
    [255, 'rgb(238,238,238)'],
  ])('index %i is %s', (index, expected) => {
    expect(paletteColor(index)).toBe(expected);
  });
});

describe('applySgr', () => {
  it('sets and resets attributes', () => {
    const bold = applySgr(PLAIN, [1, 3, 4]);
    expect(bold).toMatchObject({ bold: true, italic: true, underline: true });
    expect(applySgr(bold, [22, 23, 24])).toEqual(PLAIN);
    expect(applySgr(bold, [])).toEqual(PLAIN);
  });

  it('reads basic, bright, 256 and 24-bit colours', () => {
    expect(applySgr(PLAIN, [31]).foreground).toBe('#e06c75');
    expect(applySgr(PLAIN, [92]).foreground).toBe('#b5e08f');
    expect(applySgr(PLAIN, [38, 5, 196]).foreground).toBe('rgb(255,0,0)');
    expect(applySgr(PLAIN, [48, 2, 1, 2, 3]).background).toBe('rgb(1,2,3)');
    expect(applySgr(PLAIN, [38, 2, 9, 8, 7, 1])).toMatchObject({ foreground: 'rgb(9,8,7)', bold: true });
  });

  it('ignores a truncated extended colour', () => {
    expect(applySgr(PLAIN, [38, 2, 1])).toEqual(PLAIN);
  });
});

describe('terminalToHtml', () => {
  it('escapes HTML and keeps one row per line', () => {
    expect(terminalToHtml('a <b> & "c"\n$ \n')).toBe('<div class="row">a &lt;b&gt; &amp; &quot;c&quot;</div><div class="row">$ </div>');
  });

  it('styles runs and carries the style to the next row', () => {
    const html = terminalToHtml(`${ESC}[1mcount${ESC}[0m 4\n${ESC}[31merror\nstill red${ESC}[39m plain`);
    expect(html).toBe(
      '<div class="row"><span style="font-weight:700">count</span> 4</div>' +
        '<div class="row"><span style="color:#e06c75">error</span></div>' +
        '<div class="row"><span style="color:#e06c75">still red</span> plain</div>',
    );
  });

  it('paints half blocks with both colours', () => {
    const html = terminalToHtml(`${ESC}[38;2;10;20;30m${ESC}[48;2;40;50;60m▀${ESC}[0m`);
    expect(html).toBe('<div class="row"><span class="half" style="background:linear-gradient(rgb(10,20,30) 50%,rgb(40,50,60) 50%)"></span></div>');
  });

  it('swaps colours for inverse video', () => {
    expect(terminalToHtml(`${ESC}[7mx`)).toBe('<div class="row"><span style="color:#1d2330;background:#d8dee9">x</span></div>');
  });

  it('drops escape sequences other than SGR', () => {
    expect(terminalToHtml(`${ESC}[2Kdone${ESC}[?25l${ESC}`)).toBe('<div class="row">done</div>');
  });
});
