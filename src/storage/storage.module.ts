import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { resolveJwtSecret } from '../config/load-config.js';
import { DownloadGrants } from './download-grant.port.js';
import { LocalObjectTransferService } from './local-object-transfer.service.js';
import { LocalObjectUrlService } from './local-object-url.service.js';
import { LocalStorageController } from './local-storage.controller.js';
import { LocalStorage } from './local.storage.js';
import { ObjectStorage } from './object-storage.port.js';
import type { ObjectStorageSettings } from './object-storage.settings.js';
import { S3Storage } from './s3.storage.js';

/**
 * Provides `ObjectStorage` to every module: S3Storage when S3_BUCKET is set, else LocalStorage under DATA_DIR.
 * The local store's URL routes exist only with the local store, so with S3 they answer 404 like any unknown route.
 */
@Module({})
export class StorageModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.S3_BUCKET) {
      return {
        module: StorageModule,
        global: true,
        providers: [{ provide: ObjectStorage, inject: [AppConfig], useFactory: (settings: AppConfig) => new S3Storage(settings) }, DownloadGrants],
        exports: [ObjectStorage, DownloadGrants],
      };
    }
    const providers: Provider[] = [
      {
        provide: LocalObjectUrlService,
        inject: [AppConfig],
        useFactory: (settings: AppConfig) => new LocalObjectUrlService(resolveJwtSecret(settings), settings.publicUrl),
      },
      {
        provide: LocalStorage,
        inject: [AppConfig, LocalObjectUrlService],
        useFactory: (settings: AppConfig, urls: LocalObjectUrlService) => new LocalStorage(settings.DATA_DIR, urls),
      },
      { provide: ObjectStorage, useExisting: LocalStorage },
      LocalObjectTransferService,
      DownloadGrants,
    ];
    return {
      module: StorageModule,
      global: true,
      controllers: [LocalStorageController],
      providers,
      exports: [ObjectStorage, DownloadGrants],
    };
  }
}

/** The configured store as plain data, for threads that open their own adapter (see ObjectStorageSettings). */
export function objectStorageSettings(config: AppConfig): ObjectStorageSettings {
  if (config.S3_BUCKET) {
    const { S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE } = config;
    return { kind: 's3', s3: { S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE } };
  }
  return { kind: 'local', dataDir: config.DATA_DIR, urlSecret: resolveJwtSecret(config), publicUrl: config.publicUrl };
}
