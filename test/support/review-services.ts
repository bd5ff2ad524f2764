import { createHash, randomUUID } from 'node:crypto';
import { Module, type Type } from '@nestjs/common';
import { AuthModule } from '../../src/auth/auth.module.js';
import { CatalogModule } from '../../src/catalog/catalog.module.js';
import { ChainModule, chainSettings } from '../../src/chain/chain.module.js';
import { LiteSvmLedger } from '../../src/chain/litesvm.ledger.js';
import { CaptureCounts } from '../../src/ingestion/dto/capture-counts.js';
import type { CaptureSnapshot } from '../../src/ingestion/dto/capture-snapshot.js';
import { NetworkRegistryService } from '../../src/ingestion/networks/network-registry.service.js';
import { IngestionModule } from '../../src/ingestion/ingestion.module.js';
import { CapturePreviewService } from '../../src/ingestion/services/capture-preview.service.js';
import { CaptureService } from '../../src/ingestion/services/capture.service.js';
import { VerifiedObjectBackfillService } from '../../src/ingestion/services/verified-object-backfill.service.js';
import { JobsModule } from '../../src/queue/jobs.module.js';
import { LicensingModule } from '../../src/licensing/licensing.module.js';
import { ProvenanceModule } from '../../src/provenance/provenance.module.js';
import { type ModuleServices, startModuleServices } from './module-services.js';

/**
 * Ingestion as the catalog reads it (CaptureService.snapshots), held in memory: ready captures with their verified
 * hashes. The review tests need captures to put in datasets, not the upload and probe machinery behind them.
 * `record` stores the capture's row as well, for the foreign keys of the versions that freeze it.
 */
export class FakeCaptures {
  private readonly captures = new Map<string, CaptureSnapshot>();

  constructor(private readonly record: (capture: CaptureSnapshot) => Promise<void>) {}

  /** A ready, verified GNSS capture of `ownerId`; `fields` changes any of it (a status, a size). */
  async add(ownerId: string, fields: Partial<CaptureSnapshot> = {}): Promise<string> {
    const id = randomUUID();
    const sha256 = createHash('sha256').update(id).digest('hex');
    const capture: CaptureSnapshot = {
      id,
      ownerId,
      status: 'ready',
      filename: `drive-${id.slice(0, 8)}.nmea`,
      network: null,
      objectKey: `objects/sha256/${sha256}`,
      sizeBytes: 4_096,
      sha256,
      format: 'nmea',
      modality: 'gnss',
      timeStart: new Date('2026-11-27T08:00:00Z'),
      timeEnd: new Date('2026-11-27T09:00:00Z'),
      bbox: [14.4, 46, 14.6, 46.1],
      durationSeconds: 3_600,
      counts: Object.assign(new CaptureCounts(), {
        points: null,
        vertices: null,
        messages: null,
        rows: null,
        epochs: null,
        frames: null,
        fixes: 3_600,
      }),
      metadata: {},
      warnings: [],
      footprint: null,
      footprintReason: null,
      gnssQuality: null,
      deviceId: null,
      devicePublicKey: null,
      deviceSignatureValid: null,
      rejectionReason: null,
      ...fields,
    };
    await this.record(capture);
    this.captures.set(id, capture);
    return id;
  }

  snapshots(ids: readonly string[]): Promise<CaptureSnapshot[]> {
    return Promise.resolve(ids.flatMap((id) => this.captures.get(id) ?? []));
  }
}

export interface ReviewServices extends ModuleServices {
  captures: FakeCaptures;
  ledger: LiteSvmLedger;
}

/**
 * The catalog's review workflow and everything it talks to, without HTTP (startModuleServices): the real catalog,
 * licensing and provenance (custody log, anchors) on a fresh database, the embedded ledger, and ingestion in memory.
 * `more` adds modules built on the catalog (e.g. quotes).
 */
export async function startReviewServices(more: Type[] = []): Promise<ReviewServices> {
  const started: { sql?: ModuleServices['sql'] } = {};
  // The row a version's files point at. A raw insert: no ingestion service makes a ready capture without an upload
  // over HTTP and its probe; only the columns the table requires, since the catalog reads the snapshot above.
  const captures = new FakeCaptures(async (capture) => {
    if (!started.sql) throw new Error('the review services are not started yet');
    await started.sql(
      `INSERT INTO captures (id, owner_id, status, filename, declared_size_bytes, declared_sha256, object_key) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        capture.id,
        capture.ownerId,
        capture.status,
        capture.filename,
        capture.sizeBytes ?? 1,
        capture.sha256 ?? '0'.repeat(64),
        capture.objectKey ?? `uploads/${capture.id}`,
      ],
    );
  });

  @Module({
    providers: [
      { provide: CaptureService, useValue: captures },
      // Nothing to move to content keys: every fake capture already has its verified key.
      { provide: VerifiedObjectBackfillService, useValue: { finished: () => Promise.resolve(0) } },
      // The catalog serves sample previews through it; review decisions never read one.
      { provide: CapturePreviewService, useValue: {} },
      // The consent module names networks in advance grants; no network is registered here.
      { provide: NetworkRegistryService, useValue: { exists: () => Promise.resolve(false) } },
    ],
    exports: [CaptureService, VerifiedObjectBackfillService, CapturePreviewService, NetworkRegistryService],
  })
  class FakeIngestionModule {}

  const services = await startModuleServices({
    name: 'review',
    imports: (config) => [
      AuthModule,
      JobsModule,
      ChainModule.forRoot(chainSettings(config)),
      LicensingModule,
      ProvenanceModule,
      CatalogModule,
      ...more,
    ],
    overrides: [[IngestionModule, FakeIngestionModule]],
  });
  started.sql = services.sql;
  return { ...services, captures, ledger: services.get(LiteSvmLedger) };
}
