import { fileTypeFromFile } from 'file-type';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extensionOf } from './file-names.ts';

export type AttachmentKind = 'image' | 'video' | 'audio' | 'file';

const OCTET_STREAM = 'application/octet-stream';
// Legacy Office files are all one container format (CFB); the extension tells which program made it.
const CFB_BY_EXTENSION: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};
/** Images sharp decodes with its prebuilt binaries; other image types are kept as files. */
const THUMBNAIL_IMAGES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/heic', 'image/heif', 'image/tiff']);
/** Types a browser would run as a page: never shown inline, never sent with their own type. */
const ACTIVE_TYPES = new Set(['text/html', 'image/svg+xml', 'application/xhtml+xml', 'application/xml', 'text/xml']);
const TEXT_HEAD_BYTES = 1024;

export const baseType = (mime: string) => mime.split(';')[0]!.trim().toLowerCase();

/** Whether valid UTF-8 with no control characters other than tab, line breaks and form feed. */
async function isPlainText(file: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      const text = decoder.decode(chunk, { stream: true });
      if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return false;
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

async function head(file: string): Promise<string> {
  const handle = await open(file);
  try {
    const buffer = Buffer.alloc(TEXT_HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, TEXT_HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  } finally {
    await handle.close();
  }
}

/** Markup is told apart from plain text by its start: pages and SVG must never pass as text. */
function markupType(start: string): string | null {
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype svg|<svg[\s>])/.test(start)) return 'image/svg+xml';
  if (/^(<!--[\s\S]*?-->\s*)*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<script[\s>])/.test(start)) return 'text/html';
  if (start.startsWith('<?xml')) return 'application/xml';
  return null;
}

/**
 * The media type of a file from its content (magic bytes), never from its name or the client's
 * header; text has no magic bytes, so valid UTF-8 text is plain text, or CSV by its extension.
 */
export async function detectMediaType(file: string, name: string): Promise<string> {
  const detected = await fileTypeFromFile(file);
  if (detected) {
    if (detected.mime === 'application/x-cfb') return CFB_BY_EXTENSION[extensionOf(name)] ?? detected.mime;
    if (detected.mime === 'application/xml') return markupType(await head(file)) ?? detected.mime;
    return detected.mime;
  }
  if (!(await isPlainText(file))) return OCTET_STREAM;
  const markup = markupType(await head(file));
  if (markup) return markup;
  return extensionOf(name) === 'csv' ? 'text/csv' : 'text/plain';
}

/**
 * Whether the admin's allow-list ("image/*", "application/pdf", ...) admits a type. Active types
 * (SVG, HTML) must be listed by name: "image/*" does not let SVG in.
 */
export function isAllowedType(mime: string, allowed: readonly string[]): boolean {
  const type = baseType(mime);
  if (allowed.includes(type)) return true;
  return !ACTIVE_TYPES.has(type) && allowed.includes(`${type.split('/')[0]}/*`);
}

/** The kind a type starts as; probing may still turn a video container without pictures into audio. */
export function initialKind(mime: string): AttachmentKind {
  const type = baseType(mime);
  if (THUMBNAIL_IMAGES.has(type)) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'file';
}

/** Images, video and audio are shown in the page; everything else is downloaded. */
export function servedInline(mime: string): boolean {
  const type = baseType(mime);
  return !ACTIVE_TYPES.has(type) && (type.startsWith('image/') || type.startsWith('video/') || type.startsWith('audio/'));
}

/** The Content-Type a download is sent with: active types go out as plain bytes. */
export function servedType(mime: string): string {
  return ACTIVE_TYPES.has(baseType(mime)) ? OCTET_STREAM : mime;
}
