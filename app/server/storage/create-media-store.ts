import path from 'node:path';
import type { Config } from '../config.ts';
import { DiskMediaStore } from './disk-media-store.ts';
import type { MediaStore } from './media-store.ts';
import { S3MediaStore } from './s3-media-store.ts';

/** The S3 bucket when S3_* is configured, else files under CHATFLOW_DATA_DIR/media. */
export function createMediaStore(config: Config): MediaStore {
  return config.s3 ? new S3MediaStore(config.s3) : new DiskMediaStore(path.join(config.dataDir, 'media'));
}
