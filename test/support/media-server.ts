// Media suites run once per store: the disk store and an S3 server over HTTP.
import { startS3Server, type TestS3Server } from './s3-server.ts';
import { useTestServer, type ServerFixture } from './server-fixture.ts';
import type { TestServerOptions } from './test-server.ts';

export const MEDIA_STORES = ['disk', 's3'] as const;
export type MediaStoreKind = (typeof MEDIA_STORES)[number];

/** A test server whose media store is `store`; with 's3', an S3 server is started first. */
export function useMediaServer(store: MediaStoreKind, options: TestServerOptions = {}): ServerFixture {
  let s3: TestS3Server | undefined;
  return useTestServer(async () => {
    if (store === 's3') s3 = await startS3Server();
    return { ...options, env: { CHATFLOW_UPLOAD_RATE: '100000', ...s3?.env, ...options.env } };
  }, async () => {
    await s3?.close();
    s3 = undefined;
  });
}
