import { describe, expect, it } from 'vitest';

import { decodeImageMetadata, encodeImageMetadata, MAX_UPLOADER_BYTES } from '../../src/images/image-metadata.js';
import { MAX_FILE_NAME_BYTES, sanitizeFileName } from '../../src/images/sanitize-file-name.js';

describe('sanitizeFileName', () => {
  it.each([
    ['plain name', 'hot dog.jpg', 'hot dog.jpg'],
    ['parent path', '../x.png', 'x.png'],
    ['backslash parent path', '..\\a.png', 'a.png'],
    ['percent-encoded parent path', '%2e%2e%2fa.png', 'a.png'],
    ['upper-case percent-encoding', '%2E%2E%5Ca.png', 'a.png'],
    ['double percent-encoding, decoded once', '%252e%252e%252fa.png', '%2e%2e%2fa.png'],
    ['invalid percent-encoding kept', '100%.png', '100%.png'],
    ['Japanese name', '名前.png', '名前.png'],
    ['absolute path', '/etc/passwd', 'passwd'],
    ['Windows path', 'C:\\Users\\me\\Pictures\\cat.jpg', 'cat.jpg'],
    ['only ..', '..', ''],
    ['only .', '.', ''],
    ['only dots', '....', ''],
    ['encoded ..', '%2e%2e', ''],
    ['path ending in ..', 'a/..', ''],
    ['trailing slash', 'photos/', ''],
    ['empty', '', ''],
    ['NUL and newline', 'cat\u0000\n.png', 'cat.png'],
    ['encoded NUL', 'cat%00.png', 'cat.png'],
    ['C1 control', 'cat\u0085.png', 'cat.png'],
    ['right-to-left override', 'invoice\u202egnp.exe', 'invoicegnp.exe'],
    ['dots that surround a removed control', '.\u0000.', ''],
    ['surrounding spaces', '  cat.png  ', 'cat.png'],
    ['unpaired surrogate', 'a\ud800.png', 'a\ufffd.png'],
    ['emoji', 'hot 🌭.webp', 'hot 🌭.webp'],
  ])('%s', (_case, input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('caps length and keeps the extension', () => {
    const result = sanitizeFileName(`${'a'.repeat(300)}.jpeg`);

    expect(Buffer.byteLength(result)).toBe(MAX_FILE_NAME_BYTES);
    expect(result.endsWith('.jpeg')).toBe(true);
  });

  it('caps multibyte names at a character boundary', () => {
    const result = sanitizeFileName(`${'名'.repeat(100)}.png`);

    expect(Buffer.byteLength(result)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(result).toBe(`${'名'.repeat(65)}.png`);
  });

  it('caps a name with a long extension', () => {
    const result = sanitizeFileName(`a.${'b'.repeat(300)}`);

    expect(Buffer.byteLength(result)).toBe(MAX_FILE_NAME_BYTES);
    expect(result.startsWith('a.bbb')).toBe(true);
  });
});

describe('encodeImageMetadata', () => {
  it('percent-encodes non-ASCII names', () => {
    const metadata = encodeImageMetadata({ uploader: 'ann', originalName: '名前.png' });

    expect(metadata).toEqual({ uploader: 'ann', 'original-name': '%E5%90%8D%E5%89%8D.png' });
  });

  it.each([
    ['ASCII with space', 'hot dog.jpg'],
    ['percent sign', '100%.png'],
    ['Japanese', '名前.png'],
    ['emoji', '🌭.gif'],
  ])('round trip of %s', (_case, originalName) => {
    const metadata = encodeImageMetadata({ uploader: 'zoë', originalName });

    expect(Object.values(metadata).every((value) => /^[\u0020-\u007e]*$/.test(value))).toBe(true);
    expect(decodeImageMetadata(metadata)).toEqual({ uploader: 'zoë', originalName });
  });

  it('leaves out an empty name', () => {
    expect(encodeImageMetadata({ uploader: 'ann', originalName: '' })).toEqual({ uploader: 'ann' });
  });

  it.each([
    ['empty', ''],
    ['too long', 'u'.repeat(MAX_UPLOADER_BYTES + 1)],
    ['unpaired surrogate', 'ann\udc00'],
  ])('rejects %s uploader', (_case, uploader) => {
    expect(() => encodeImageMetadata({ uploader, originalName: 'a.png' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'uploader' }),
    );
  });

  it('decodes missing and raw values', () => {
    expect(decodeImageMetadata(undefined)).toEqual({ uploader: '', originalName: '' });
    expect(decodeImageMetadata({ uploader: 'ann', 'original-name': '100%.png' })).toEqual({ uploader: 'ann', originalName: '100%.png' });
  });
});
