import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertMediaKey, MediaNotFoundError, SizeLimit, type ByteRange, type MediaStore, type PutOptions, type StoredObject } from './media-store.ts';

const TEMP_PREFIX = '.partial-';

/**
 * Media as files under one directory (the embedded default). Each object is written under a
 * temporary name and renamed when complete, so a crash never leaves half a file under a real name.
 */
export class DiskMediaStore implements MediaStore {
  readonly kind = 'disk' as const;

  constructor(private readonly root: string) {}

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    // Leftovers of writes a crash interrupted.
    for (const entry of await readdir(this.root)) {
      if (entry.startsWith(TEMP_PREFIX)) await rm(path.join(this.root, entry), { force: true });
    }
  }

  async put(key: string, source: Readable, options: PutOptions): Promise<StoredObject> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(this.root, `${TEMP_PREFIX}${randomUUID()}`);
    const limit = new SizeLimit(options.maxBytes);
    try {
      await pipeline(source, limit, createWriteStream(temp, { flags: 'wx' }));
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { key, size: limit.bytes };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    // Opening first turns a missing file into MediaNotFoundError instead of a stream error later.
    const info = await this.stat(key);
    if (!info) throw new MediaNotFoundError(key);
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async remove(keys: string[]): Promise<void> {
    for (const key of keys) await rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<string> {
    for (const prefix of await readdir(this.root, { withFileTypes: true })) {
      if (!prefix.isDirectory()) continue;
      for (const name of await readdir(path.join(this.root, prefix.name))) yield `${prefix.name}/${name}`;
    }
  }

  async check(): Promise<boolean> {
    return stat(this.root).then((info) => info.isDirectory(), () => false);
  }

  private pathOf(key: string): string {
    assertMediaKey(key);
    return path.join(this.root, key);
  }
}
