import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../settings/settings-service.ts';
import { contentDisposition, sanitizeFileName } from './file-names.ts';
import { initialKind, isAllowedType, servedInline, servedType } from './media-types.ts';

describe('file names', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\report.pdf', 'report.pdf'],
    ['  ..hidden. ', 'hidden'],
    ['a\u0000b\u001fc\u202ed.txt', 'a_b_c_d.txt'],
    ['what?<>|*.txt', 'what_____.txt'],
    ['tab\tand\nnewline.txt', 'tab_and_newline.txt'],
    ['', 'file'],
    ['/', 'file'],
    [undefined, 'file'],
  ])('%j -> %j', (raw, expected) => {
    expect(sanitizeFileName(raw)).toBe(expected);
  });

  it('bounds the length and keeps the extension', () => {
    const name = sanitizeFileName(`${'x'.repeat(500)}.docx`);
    expect(name).toHaveLength(200);
    expect(name.endsWith('.docx')).toBe(true);
  });

  it('writes Content-Disposition with an ASCII fallback and the RFC 5987 name', () => {
    expect(contentDisposition('inline', 'Café "menu".pdf')).toBe(`inline; filename="Caf_ _menu_.pdf"; filename*=UTF-8''Caf%C3%A9%20%22menu%22.pdf`);
    expect(contentDisposition('attachment', "it's (1).txt")).toBe(`attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
  });
});

describe('media types', () => {
  const allowed = DEFAULT_SETTINGS.allowedUploadTypes;

  it('admits families and exact types, but SVG and HTML only by name', () => {
    expect(isAllowedType('image/png', allowed)).toBe(true);
    expect(isAllowedType('audio/ogg; codecs=opus', allowed)).toBe(true);
    expect(isAllowedType('application/x-elf', allowed)).toBe(false);
    expect(isAllowedType('image/svg+xml', allowed)).toBe(false);
    expect(isAllowedType('image/svg+xml', [...allowed, 'image/svg+xml'])).toBe(true);
    expect(isAllowedType('text/html', ['text/*'])).toBe(false);
  });

  it('shows images, video and audio inline, never active content', () => {
    expect(servedInline('image/jpeg')).toBe(true);
    expect(servedInline('video/mp4')).toBe(true);
    expect(servedInline('audio/webm')).toBe(true);
    expect(servedInline('application/pdf')).toBe(false);
    expect(servedInline('image/svg+xml')).toBe(false);
    expect(servedType('image/svg+xml')).toBe('application/octet-stream');
    expect(servedType('text/html')).toBe('application/octet-stream');
    expect(servedType('application/pdf')).toBe('application/pdf');
  });

  it('starts images sharp can read as images, other image types as files', () => {
    expect(initialKind('image/heic')).toBe('image');
    expect(initialKind('image/x-icon')).toBe('file');
    expect(initialKind('video/quicktime')).toBe('video');
    expect(initialKind('audio/mpeg')).toBe('audio');
    expect(initialKind('application/zip')).toBe('file');
  });
});
