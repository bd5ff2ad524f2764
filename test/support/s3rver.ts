import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// s3rver ships no type declarations; this is the part of its API the tests use (it is a Koa application).
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverServer {
  middleware: Middleware[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverOptions = { address: string; port: number; silent: boolean; directory: string; configureBuckets: { name: string }[] };
const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as new (options: S3rverOptions) => S3rverServer;
const S3Error = require('s3rver/lib/models/error.js') as new (code: string, message: string) => Error;

/**
 * Completes (POST) and aborts (DELETE) of one multipart upload, one at a time, and NoSuchUpload for an upload that is
 * gone, as S3 answers. s3rver runs two at once: the first removes the upload's parts while the second still reads them,
 * whose ENOENT escapes as an uncaught exception and leaves its request unanswered (a test racing two completions hung
 * until its timeout on a loaded machine).
 */
function oneCallPerUpload(directory: string): Middleware {
  const queues = new Map<string, Promise<void>>();
  return async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    if ((ctx.method !== 'POST' && ctx.method !== 'DELETE') || typeof uploadId !== 'string') return next();
    const bucket = ctx.path.split('/')[1] ?? '';
    const call = (queues.get(uploadId) ?? Promise.resolve()).then(() => {
      if (!existsSync(join(directory, bucket, '._S3rver_uploads', uploadId))) {
        throw new S3Error(
          'NoSuchUpload',
          'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        );
      }
      return next();
    });
    const settled = call.catch(() => undefined);
    queues.set(uploadId, settled);
    try {
      await call;
    } finally {
      if (queues.get(uploadId) === settled) queues.delete(uploadId);
    }
  };
}

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The S3_* settings that point the app at this server. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** An S3-compatible server (s3rver) on a free loopback port, with one bucket, in a temp directory of its own. */
export async function startS3rver(bucket = 'marketplace-test'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  // Just before s3rver's router (its last middleware), so that its error handling answers a NoSuchUpload thrown here.
  server.middleware.splice(server.middleware.length - 1, 0, oneCallPerUpload(directory));
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: {
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
