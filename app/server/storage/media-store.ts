import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** An inclusive byte range, as HTTP Range names it. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutOptions {
  contentType: string;
  /** The object may not be longer: put fails with MediaTooLargeError and leaves nothing behind. */
  maxBytes: number;
  /** The length when known in advance (lets S3 take the object in one request without buffering it). */
  size?: number;
}

export interface StoredObject {
  key: string;
  size: number;
}

/**
 * Where media bytes live: files under the data directory, or an S3 bucket. Nothing above this
 * interface knows which. Keys are made by mediaKey(); a reader never sees half an object.
 */
export interface MediaStore {
  readonly kind: 'disk' | 's3';
  /** Prepares the store (creates the directory or bucket when missing). */
  init(): Promise<void>;
  put(key: string, source: Readable, options: PutOptions): Promise<StoredObject>;
  /** The object's bytes, or only those of `range`; rejects with MediaNotFoundError when missing. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | null>;
  /** Removes objects; keys already gone are fine. */
  remove(keys: string[]): Promise<void>;
  /** Every key in the store (admin stats, tests, sweeps). */
  list(): AsyncIterable<string>;
  /** Whether the store answers, for /readyz. */
  check(): Promise<boolean>;
}

export class MediaTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
  }
}

export class MediaNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no media object ${key}`);
  }
}

const KEY_PATTERN = /^[0-9a-f]{2}\/[0-9a-f-]{36}(\.[a-z]+)?$/;

/** The key of an attachment's original (no suffix) or derived file (`thumb`); fanned out by prefix. */
export function mediaKey(attachmentId: string, suffix?: 'thumb'): string {
  return `${attachmentId.slice(0, 2)}/${attachmentId}${suffix ? `.${suffix}` : ''}`;
}

/** Keys come from mediaKey(); anything else could name a path outside the store. */
export function assertMediaKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`not a media key: ${key}`);
}

/** Passes bytes through until more than maxBytes went by, then fails the pipeline. */
export class SizeLimit extends Transform {
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) callback(new MediaTooLargeError(this.maxBytes));
    else callback(null, chunk);
  }
}
