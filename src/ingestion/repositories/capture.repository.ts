import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { type KeysetPage, type KeysetPosition, keysetPage } from '../../common/keyset-cursor.js';
import { CaptureEntity } from '../entities/capture.entity.js';
import type { ProbeResult } from '../formats/probe.types.js';
import { footprintReasonOf } from '../formats/footprint-result.js';
import { FOOTPRINT_VERSION, type CaptureFootprint, type GnssQuality } from '../footprints/footprint.types.js';

export interface CaptureRejection {
  code: string;
  reason: string;
}

@Injectable()
export class CaptureRepository {
  constructor(@InjectRepository(CaptureEntity) private readonly captures: Repository<CaptureEntity>) {}

  // TypeORM's deep-partial type cannot see through a JSON column typed Record<string, unknown>; the rows are complete.
  async insert(manager: EntityManager, capture: CaptureEntity): Promise<void> {
    await manager.getRepository(CaptureEntity).insert(capture as QueryDeepPartialEntity<CaptureEntity>);
  }

  /** Inserts a capture unless it collides with one already stored (same network + external id, or same object key). */
  async insertUnlessExists(manager: EntityManager, capture: CaptureEntity): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(CaptureEntity)
      .values(capture as QueryDeepPartialEntity<CaptureEntity>)
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  existsExternal(network: string, externalId: string): Promise<boolean> {
    return this.captures.exists({ where: { network, externalId } });
  }

  findByIds(ids: readonly string[]): Promise<CaptureEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.captures.createQueryBuilder('c').where('c.id = ANY(:ids)', { ids }).getMany();
  }

  findById(id: string): Promise<CaptureEntity | null> {
    return this.captures.findOne({ where: { id } });
  }

  /** The capture if `ownerId` owns it; null otherwise, so other users' ids look like missing ones. */
  findOwned(id: string, ownerId: string): Promise<CaptureEntity | null> {
    return this.captures.findOne({ where: { id, ownerId } });
  }

  /**
   * Ready captures of `ownerId` in one of `formats` whose file name without its extension is that of `filename`
   * (case-insensitive: DJI_0001.MP4 and DJI_0001.SRT), newest first: a video's sidecars, or a sidecar's video.
   */
  findSiblings(ownerId: string, filename: string, formats: readonly string[]): Promise<CaptureEntity[]> {
    return this.captures
      .createQueryBuilder('c')
      .where("c.owner_id = :ownerId AND c.status = 'ready' AND c.format = ANY(:formats)", { ownerId, formats })
      .andWhere("lower(regexp_replace(c.filename, '\\.[^./]*$', '')) = lower(:stem)", { stem: filename.replace(/\.[^./]*$/, '') })
      .orderBy('c.created_at', 'DESC')
      .limit(10)
      .getMany();
  }

  /** Newest first, keyset-paged by (created_at, id). */
  listForOwner(ownerId: string | null, limit: number, before?: KeysetPosition): Promise<KeysetPage<CaptureEntity>> {
    const query = this.captures.createQueryBuilder('c');
    if (ownerId) query.andWhere('c.owner_id = :ownerId', { ownerId });
    return keysetPage(query, 'DESC', limit, before);
  }

  /** uploading -> processing, only from uploading, so two completes cannot both start processing. */
  async markProcessing(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(CaptureEntity)
      .set({ status: 'processing', uploadId: null, updatedAt: () => 'now()' })
      .where("id = :id AND status = 'uploading'", { id })
      .execute();
    return result.affected === 1;
  }

  /** processing -> ready with what verification found; `contentKey` holds the verified bytes from now on. */
  async markReady(id: string, facts: { sizeBytes: number; sha256: string; probe: ProbeResult }, contentKey: string): Promise<boolean> {
    const { probe } = facts;
    const counts = probe.counts ?? {};
    const result = await this.captures
      .createQueryBuilder()
      .update()
      .set({
        status: 'ready',
        contentKey,
        sizeBytes: facts.sizeBytes,
        sha256: facts.sha256,
        pointCount: counts.points ?? null,
        vertexCount: counts.vertices ?? null,
        messageCount: counts.messages ?? null,
        rowCount: counts.rows ?? null,
        epochCount: counts.epochs ?? null,
        frameCount: counts.frames ?? null,
        fixCount: counts.fixes ?? null,
        format: probe.format,
        modality: probe.modality,
        timeStart: probe.timeRange ? new Date(probe.timeRange.start) : null,
        timeEnd: probe.timeRange ? new Date(probe.timeRange.end) : null,
        minLon: probe.bbox?.[0] ?? null,
        minLat: probe.bbox?.[1] ?? null,
        maxLon: probe.bbox?.[2] ?? null,
        maxLat: probe.bbox?.[3] ?? null,
        durationSeconds: probe.durationSeconds ?? null,
        // TypeORM's update types cannot see through a JSON column; the value goes as a parameter.
        metadata: () => 'CAST(:metadata AS jsonb)',
        warnings: probe.warnings,
        footprint: () => 'CAST(:footprint AS jsonb)',
        footprintReason: footprintReasonOf(probe),
        gnssQuality: () => 'CAST(:gnssQuality AS jsonb)',
        footprintVersion: FOOTPRINT_VERSION,
        rejectionCode: null,
        rejectionReason: null,
        processedAt: () => 'now()',
        updatedAt: () => 'now()',
      })
      .where("id = :id AND status = 'processing'", { id })
      .setParameter('metadata', JSON.stringify(probe.metadata))
      .setParameter('footprint', probe.footprint ? JSON.stringify(probe.footprint) : null)
      .setParameter('gnssQuality', probe.gnssQuality ? JSON.stringify(probe.gnssQuality) : null)
      .execute();
    return result.affected === 1;
  }

  /**
   * Ready captures whose footprint comes from an extraction older than `version`, in id order (a sweep needs a total
   * order, not age: a cursor on created_at as a JS Date is only exact to the millisecond).
   */
  findReadyWithOlderFootprint(version: number, limit: number, afterId?: string): Promise<CaptureEntity[]> {
    const query = this.captures
      .createQueryBuilder('c')
      .where("c.status = 'ready' AND c.footprint_version < :version AND c.content_key IS NOT NULL", { version })
      .orderBy('c.id', 'ASC')
      .limit(limit);
    if (afterId !== undefined) query.andWhere('c.id > :afterId', { afterId });
    return query.getMany();
  }

  /**
   * Stores a re-extracted footprint of a ready capture (derived facts only: never its bytes, size or hash), once: a
   * capture already at FOOTPRINT_VERSION is left alone. `warnings` null keeps the capture's warnings.
   */
  async setFootprint(
    id: string,
    footprint: CaptureFootprint | null,
    reason: string | null,
    gnssQuality: GnssQuality | null,
    warnings: string[] | null,
  ): Promise<boolean> {
    const result = await this.captures
      .createQueryBuilder()
      .update()
      .set({
        footprint: () => 'CAST(:footprint AS jsonb)',
        footprintReason: reason,
        gnssQuality: () => 'CAST(:gnssQuality AS jsonb)',
        footprintVersion: FOOTPRINT_VERSION,
        ...(warnings === null ? {} : { warnings }),
        updatedAt: () => 'now()',
      })
      .where("id = :id AND status = 'ready' AND footprint_version < :version", { id, version: FOOTPRINT_VERSION })
      .setParameter('footprint', footprint ? JSON.stringify(footprint) : null)
      .setParameter('gnssQuality', gnssQuality ? JSON.stringify(gnssQuality) : null)
      .execute();
    return result.affected === 1;
  }

  /**
   * Ready captures whose bytes are not yet at a content-addressed key (from before there were any), in id order: a
   * created_at cursor from a JS Date is exact to the millisecond only, and a batch inside one millisecond came back for
   * ever when none of it could be moved.
   */
  findReadyWithoutContentKey(limit: number, afterId?: string): Promise<CaptureEntity[]> {
    const query = this.captures.createQueryBuilder('c').where("c.status = 'ready' AND c.content_key IS NULL").orderBy('c.id', 'ASC').limit(limit);
    if (afterId !== undefined) query.andWhere('c.id > :afterId', { afterId });
    return query.getMany();
  }

  /** Records the verified copy of a ready capture; answers false when another instance recorded it first. */
  async setContentKey(id: string, contentKey: string): Promise<boolean> {
    const result = await this.captures
      .createQueryBuilder()
      .update()
      .set({ contentKey, updatedAt: () => 'now()' })
      .where("id = :id AND status = 'ready' AND content_key IS NULL", { id })
      .execute();
    return result.affected === 1;
  }

  /**
   * Rejects (`upload_abandoned`) up to `limit` uploads started more than `hours` ago and never completed, skipping
   * rows another transaction holds (a completion, another instance's sweep), so each is expired once; answers them
   * with their multipart uploads, to abort.
   */
  async abandonExpiredUploads(hours: number, reason: string, limit: number): Promise<{ id: string; objectKey: string; uploadId: string | null }[]> {
    const rows: { id: string; object_key: string; upload_id: string | null }[] = await this.captures.query(
      `WITH due AS (
         SELECT id FROM captures
         WHERE status = 'uploading' AND created_at <= now() - make_interval(hours => $1)
         ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED),
       abandoned AS (
         UPDATE captures c
         SET status = 'rejected', rejection_code = 'upload_abandoned', rejection_reason = $2, processed_at = now(), updated_at = now()
         FROM due WHERE c.id = due.id
         RETURNING c.id, c.object_key, c.upload_id)
       SELECT * FROM abandoned`,
      [hours, reason, limit],
    );
    return rows.map((row) => ({ id: row.id, objectKey: row.object_key, uploadId: row.upload_id }));
  }

  /**
   * Rejects (`upload_abandoned`, with `reason`) the owner's upload if it is still unfinished, in one statement, so a
   * completion racing with it either wins or finds it rejected; answers its multipart upload, to abort, or null when
   * it was not uploading any more.
   */
  async abandonUpload(id: string, ownerId: string, reason: string): Promise<{ objectKey: string; uploadId: string | null } | null> {
    const rows: { object_key: string; upload_id: string | null }[] = await this.captures.query(
      // As a SELECT over the update: the driver answers a bare UPDATE ... RETURNING as [rows, count].
      `WITH abandoned AS (
         UPDATE captures
         SET status = 'rejected', rejection_code = 'upload_abandoned', rejection_reason = $3, processed_at = now(), updated_at = now()
         WHERE id = $1 AND owner_id = $2 AND status = 'uploading'
         RETURNING object_key, upload_id)
       SELECT * FROM abandoned`,
      [id, ownerId, reason],
    );
    return rows.length === 0 ? null : { objectKey: rows[0].object_key, uploadId: rows[0].upload_id };
  }

  async markRejected(id: string, rejection: CaptureRejection, facts: { sizeBytes?: number; sha256?: string } = {}): Promise<void> {
    await this.captures
      .createQueryBuilder()
      .update()
      .set({
        status: 'rejected',
        rejectionCode: rejection.code,
        rejectionReason: rejection.reason.slice(0, 2000),
        sizeBytes: facts.sizeBytes ?? null,
        sha256: facts.sha256 ?? null,
        processedAt: () => 'now()',
        updatedAt: () => 'now()',
      })
      .where("id = :id AND status = 'processing'", { id })
      .execute();
  }
}
