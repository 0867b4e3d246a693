// Uploading from tests: small files through fetch's FormData, large or endless ones as a raw
// multipart stream that counts what it managed to send.
import { randomUUID } from 'node:crypto';
import http from 'node:http';

export interface UploadResult<T = UploadedBody> {
  status: number;
  body: T;
}

export interface UploadedAttachment {
  id: string;
  kind: 'image' | 'video' | 'audio' | 'file';
  name: string;
  mime: string;
  size: number;
  width?: number;
  height?: number;
  durationMs?: number;
  voice?: true;
  url: string;
  thumbnailUrl: string | null;
}

export type UploadedBody = { attachment: UploadedAttachment } & { error?: { code: string; message: string } };

/** POST /api/uploads with one part `file` (and `voice` when asked). */
export async function uploadFile(baseUrl: string, token: string | undefined, file: { name: string; data: Buffer; type?: string; voice?: boolean }): Promise<UploadResult> {
  const form = new FormData();
  if (file.voice) form.append('voice', 'true');
  form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type ?? 'application/octet-stream' }), file.name);
  const response = await fetch(`${baseUrl}/api/uploads`, { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as UploadedBody };
}

export interface StreamedUpload {
  status: number;
  body: UploadedBody;
  /** Bytes of the request body written before the answer came (or all of them). */
  bytesSent: number;
  totalBytes: number;
}

/**
 * Streams a multipart upload of `fileBytes` bytes made on the fly (chunk by chunk, never whole in
 * memory) with chunked transfer, and stops sending as soon as the server answers.
 */
export function streamUpload(baseUrl: string, token: string, options: { name: string; fileBytes: number; firstChunk?: Buffer; chunkBytes?: number }): Promise<StreamedUpload> {
  const boundary = `----chatflow${randomUUID()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${options.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunkBytes = options.chunkBytes ?? 256 * 1024;
  const filler = Buffer.alloc(chunkBytes, 0x61);
  const totalBytes = head.length + options.fileBytes + tail.length;
  const url = new URL('/api/uploads', baseUrl);
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    const request = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` } }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as UploadedBody, bytesSent, totalBytes });
      });
    });
    // After an early answer the server closes the connection: writing on is expected to fail.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    let fileSent = 0;
    const write = (chunk: Buffer) => {
      bytesSent += chunk.length;
      return request.write(chunk);
    };
    const pump = () => {
      while (!answered) {
        if (fileSent >= options.fileBytes) {
          write(tail);
          request.end();
          return;
        }
        let chunk = fileSent === 0 && options.firstChunk ? options.firstChunk : filler;
        chunk = chunk.subarray(0, Math.min(chunk.length, options.fileBytes - fileSent));
        fileSent += chunk.length;
        if (!write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
    };
    write(head);
    pump();
  });
}
