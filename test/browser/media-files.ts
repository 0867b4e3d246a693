// Real media files for the browser suites, made on the fly: PDFs, pictures drawn by the page's own
// canvas, and video and voice clips from ffmpeg (installed wherever the suites run; see .ci/run).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';

/** A one-page PDF saying `title`, padded with an unreferenced stream to about `size` bytes. */
export function pdfDocument(title: string, size = 0): Buffer {
  const text = `BT /F1 28 Tf 72 740 Td (${title.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  if (size > 0) objects.push(`<< /Length ${size} >>\nstream\n${'0'.repeat(size)}\nendstream`);
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A PNG photo-like picture (sky, sun, hills) drawn in the page, `hue` setting its colours. */
export async function pngPicture(page: Page, width: number, height: number, hue: number): Promise<Buffer> {
  const dataUrl = await page.evaluate(({ width, height, hue }) => {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext('2d');
    if (!g) throw new Error('no 2d canvas');
    const sky = g.createLinearGradient(0, 0, 0, height);
    sky.addColorStop(0, `hsl(${hue} 70% 62%)`);
    sky.addColorStop(1, `hsl(${hue + 40} 80% 86%)`);
    g.fillStyle = sky;
    g.fillRect(0, 0, width, height);
    g.fillStyle = `hsl(${hue + 180} 90% 60%)`;
    g.beginPath();
    g.arc(width * 0.72, height * 0.32, Math.min(width, height) * 0.12, 0, Math.PI * 2);
    g.fill();
    for (const [shade, base] of [[38, 0.62], [28, 0.74]] as const) {
      g.fillStyle = `hsl(${hue + 100} 40% ${shade}%)`;
      g.beginPath();
      g.moveTo(0, height);
      for (let x = 0; x <= width; x += width / 24) g.lineTo(x, height * base + Math.sin(x / (width / 5) + shade) * height * 0.06);
      g.lineTo(width, height);
      g.fill();
    }
    return canvas.toDataURL('image/png');
  }, { width, height, hue });
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

/**
 * Runs ffmpeg with these arguments into a temporary file with this name and returns its bytes.
 * Asynchronously: the server under test runs in this process and must keep answering meanwhile.
 */
async function ffmpeg(name: string, args: string[]): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'chatflow-media-'));
  try {
    const out = path.join(dir, name);
    await promisify(execFile)('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, out]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A WebM (VP8) test-pattern video of `seconds`, 640x360. */
export const webmVideo = (seconds: number): Promise<Buffer> =>
  ffmpeg('clip.webm', ['-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${seconds}`, '-c:v', 'libvpx', '-b:v', '400k']);

/** A WebM/Opus tone of `seconds`, like a recorded voice note. */
export const opusVoice = (seconds: number): Promise<Buffer> =>
  ffmpeg('voice.webm', ['-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`, '-c:a', 'libopus', '-b:a', '32k']);
