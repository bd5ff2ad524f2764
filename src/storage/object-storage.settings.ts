import { LocalObjectUrlService } from './local-object-url.service.js';
import { LocalStorage } from './local.storage.js';
import type { ObjectStorage } from './object-storage.port.js';
import type { S3StorageSettings } from './s3.storage.js';

/**
 * What it takes to open the configured object store, as plain data: a worker thread (capture verification) opens its
 * own adapter from it, since class instances and sockets cannot cross threads.
 */
export type ObjectStorageSettings = { kind: 's3'; s3: S3StorageSettings } | { kind: 'local'; dataDir: string; urlSecret: string; publicUrl: string };

/**
 * The adapter the settings describe: S3Storage or LocalStorage. The S3 adapter (and the AWS SDK under it) is loaded only
 * when it is the one configured: a verification or preview thread on local files starts without it.
 */
export async function openObjectStorage(settings: ObjectStorageSettings): Promise<ObjectStorage> {
  if (settings.kind === 's3') {
    const { S3Storage } = await import('./s3.storage.js');
    return new S3Storage(settings.s3);
  }
  return new LocalStorage(settings.dataDir, new LocalObjectUrlService(settings.urlSecret, settings.publicUrl));
}
