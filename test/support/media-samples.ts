// Media files made on the fly for the media suites: real encoders (sharp, ffmpeg), nothing shipped.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** A noisy PNG (noise keeps it from compressing to nothing, so a thumbnail is truly smaller). */
export function makePng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
}

/** A JPEG stored landscape with EXIF orientation 6: it is shown turned 90 degrees (portrait). */
export function makeRotatedJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 100, sigma: 40 } } })
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** The smallest PDF readers open: one empty page. */
export function makePdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

async function ffmpeg(args: string[], output: string): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chatflow-sample-'));
  const file = path.join(dir, output);
  try {
    await run('ffmpeg', ['-v', 'error', '-y', ...args, file]);
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * An H.264/AAC MP4 of `seconds` at 320x240, grown to about `totalBytes` with a trailing `free` box
 * of random bytes (valid MP4 that players skip), so a large file is made in well under a second.
 */
export async function makeMp4(seconds: number, totalBytes: number): Promise<Buffer> {
  const video = await ffmpeg(
    ['-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=320x240:rate=25`, '-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'],
    'video.mp4',
  );
  const padding = Math.max(8, totalBytes - video.length);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(padding, 0);
  header.write('free', 4, 'latin1');
  return Buffer.concat([video, header, randomBytes(padding - 8)]);
}

/** A WebM/Opus voice note of a sine tone. */
export function makeVoiceNote(seconds: number): Promise<Buffer> {
  return ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'libopus', '-b:a', '32k'], 'voice.webm');
}

/** A Linux executable's first bytes (ELF header) and filler: what an executable renamed .png starts with. */
export function makeElf(): Buffer {
  const header = Buffer.from('7f454c46020101000000000000000000020003e0000000000000000000000000', 'hex');
  return Buffer.concat([header, randomBytes(2048)]);
}

/** An animated GIF of `frames` frames at 320x240. */
export function makeAnimatedGif(frames: number): Promise<Buffer> {
  return ffmpeg(['-f', 'lavfi', '-i', `testsrc=duration=${frames / 5}:size=320x240:rate=5`], 'animation.gif');
}
