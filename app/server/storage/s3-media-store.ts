import * as Minio from 'minio';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Settings } from '../config.ts';
import { assertMediaKey, MediaNotFoundError, MediaTooLargeError, SizeLimit, type ByteRange, type MediaStore, type PutOptions, type StoredObject } from './media-store.ts';

const PRESIGN_SECONDS = 15 * 60;
const MISSING = new Set(['NoSuchKey', 'NotFound', 'NoSuchObject']);

const isMissing = (error: unknown) => MISSING.has((error as { code?: string }).code ?? '');

/**
 * Media in an S3 bucket (MinIO, AWS, ...) through the minio client. The client buffers a whole part
 * (64 MiB) in memory before sending it, so an object of known size goes instead as one streamed PUT
 * to a presigned URL: memory stays flat whatever the file's size.
 */
export class S3MediaStore implements MediaStore {
  readonly kind = 's3' as const;
  private readonly client: Minio.Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new Minio.Client({
      endPoint: settings.endPoint,
      port: settings.port,
      useSSL: settings.useSSL,
      region: settings.region,
      accessKey: settings.accessKey,
      secretKey: settings.secretKey,
      pathStyle: true,
    });
  }

  async init(): Promise<void> {
    if (await this.client.bucketExists(this.settings.bucket)) return;
    try {
      await this.client.makeBucket(this.settings.bucket, this.settings.region);
    } catch (error) {
      // Another replica created it a moment ago.
      if ((error as { code?: string }).code !== 'BucketAlreadyOwnedByYou') throw error;
    }
  }

  async put(key: string, source: Readable, options: PutOptions): Promise<StoredObject> {
    assertMediaKey(key);
    const limit = new SizeLimit(options.maxBytes);
    if (options.size === undefined) {
      // Unknown length: the client's multipart upload, a part in memory at a time.
      await this.client.putObject(this.settings.bucket, key, source.pipe(limit), undefined, { 'Content-Type': options.contentType });
      return { key, size: limit.bytes };
    }
    if (options.size > options.maxBytes) throw new MediaTooLargeError(options.maxBytes);
    await this.streamedPut(key, source.pipe(limit), options.size, options.contentType);
    return { key, size: limit.bytes };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertMediaKey(key);
    try {
      return range
        ? await this.client.getPartialObject(this.settings.bucket, key, range.start, range.end - range.start + 1)
        : await this.client.getObject(this.settings.bucket, key);
    } catch (error) {
      if (isMissing(error)) throw new MediaNotFoundError(key);
      throw error;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    assertMediaKey(key);
    try {
      const info = await this.client.statObject(this.settings.bucket, key);
      return { size: info.size };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async remove(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    for (const key of keys) assertMediaKey(key);
    await this.client.removeObjects(this.settings.bucket, keys);
  }

  async *list(): AsyncIterable<string> {
    for await (const item of this.client.listObjectsV2(this.settings.bucket, '', true)) {
      const { name } = item as { name?: string };
      if (name) yield name;
    }
  }

  async check(): Promise<boolean> {
    return this.client.bucketExists(this.settings.bucket).catch(() => false);
  }

  private async streamedPut(key: string, body: Readable, size: number, contentType: string): Promise<void> {
    const url = new URL(await this.client.presignedPutObject(this.settings.bucket, key, PRESIGN_SECONDS));
    const transport = url.protocol === 'https:' ? https : http;
    await new Promise<void>((resolve, reject) => {
      const request = transport.request(url, { method: 'PUT', headers: { 'content-length': size, 'content-type': contentType } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode === 200) resolve();
          else reject(new Error(`S3 PUT ${key} answered ${response.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`));
        });
        response.on('error', reject);
      });
      pipeline(body, request).catch(reject);
    });
  }
}
