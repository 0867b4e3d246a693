import S3rver from '@20minutes/s3rver';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TestS3Server {
  /** S3_* variables pointing Chat-Flow at this server (the bucket does not exist yet). */
  env: Record<string, string>;
  bucket: string;
  close(): Promise<void>;
}

// s3rver's built-in account; requests signed with any other secret are refused (SigV4 is checked).
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

let buckets = 0;

/** An S3 API over HTTP on a free port, with signature checks, storing under a temporary directory. */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'chatflow-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, resetOnClose: true });
  const { port } = await server.run();
  buckets += 1;
  const bucket = `chatflow-media-${process.pid}-${buckets}`;
  return {
    bucket,
    env: { S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_ACCESS_KEY: ACCESS_KEY, S3_SECRET_KEY: SECRET_KEY, S3_BUCKET: bucket, S3_REGION: 'us-east-1' },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
