/**
 * One listed dataset of real street drives for the benches that price and sell slices (bench:quote, bench:slice-split):
 * drives of bench/street-drives.ts through the FootprintBuilder, five modalities, per-km / per-hour prices, frozen by
 * the real freezeVersion and inserted by the real repository SQL in one transaction, so the listing trigger indexes
 * it exactly as a publication would.
 */
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { EntityManager } from 'typeorm';
import type { DatasetEntity } from '../src/catalog/entities/dataset.entity.js';
import { DatasetVersionRepository } from '../src/catalog/repositories/dataset-version.repository.js';
import { freezeVersion } from '../src/catalog/version-freezer.js';
import type { CaptureSnapshot } from '../src/ingestion/dto/capture-snapshot.js';
import type { Modality } from '../src/ingestion/formats/probe.types.js';
import type { CaptureFootprint } from '../src/ingestion/footprints/footprint.types.js';
import type { LicenceTerms } from '../src/licensing/licence-terms.js';
import { driveFootprint, random } from './street-drives.js';

const DRIVES = 200;
export const MUNICH: [number, number] = [11.58, 48.14];
export const YEAR_START = Date.UTC(2026, 0, 1);
export const DAY_MS = 86_400_000;
const MODALITIES: Modality[] = ['video', 'pointcloud', 'telemetry', 'gnss', 'mesh'];

/** What a bench capture does not have: GNSS quality, a device and its signature, a rejection. */
const UNSIGNED = {
  footprintReason: null,
  gnssQuality: null,
  deviceId: null,
  devicePublicKey: null,
  deviceSignatureValid: null,
  rejectionReason: null,
};

/** A pooled drive's footprint moved to start at t0 (the pool is built once at t0 = 0). */
function startingAt(footprint: CaptureFootprint, t0: number): CaptureFootprint {
  const shift = (iso: string | null) => (iso === null ? null : new Date(Date.parse(iso) + t0).toISOString());
  return {
    ...footprint,
    start: shift(footprint.start),
    end: shift(footprint.end),
    cells: footprint.cells.map((c) => ({ ...c, start: shift(c.start), end: shift(c.end) })),
  };
}

export interface ListedDrives {
  captures: number;
  /** The users who own the captures; the first is the dataset's curator. All are inserted. */
  ownerIds: string[];
  /** Who owns capture i and when its drive starts (default: the curator, a random moment of 2026). */
  place?: (i: number, next: () => number) => { ownerId: string; t0: number };
}

/** Seeds the dataset (its users, captures, dataset row and listed version 1); answers its id. */
export async function seedListedDrives(client: pg.Client, adminId: string, { captures: count, ownerIds, place }: ListedDrives): Promise<string> {
  const started = performance.now();
  const [curatorId] = ownerIds;
  await client.query(
    `INSERT INTO users (id, email, password_hash, role)
     SELECT id, 'owner-' || ordinality || '@bench.test', 'x', 'contributor' FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, ordinality)`,
    [ownerIds],
  );
  const pool = Array.from({ length: DRIVES }, (_, drive) => driveFootprint(0, MUNICH, drive, 0));
  const next = random(13);
  const placeOf = place ?? ((_: number, rng: () => number) => ({ ownerId: curatorId, t0: YEAR_START + Math.floor(rng() * 365 * DAY_MS) }));
  const captures: CaptureSnapshot[] = Array.from({ length: count }, (_, i) => {
    const { ownerId, t0 } = placeOf(i, next);
    const footprint = startingAt(pool[i % DRIVES], t0);
    const sha256 = createHash('sha256').update(`capture ${i}`).digest('hex');
    return {
      id: randomUUID(),
      ownerId,
      status: 'ready',
      filename: `drive-${String(i).padStart(5, '0')}.bin`,
      network: null,
      objectKey: `objects/sha256/${sha256}`,
      sizeBytes: 50_000_000 + Math.floor(next() * 450_000_000),
      sha256,
      format: 'bin',
      modality: MODALITIES[i % MODALITIES.length],
      timeStart: new Date(footprint.start ?? t0),
      timeEnd: new Date(footprint.end ?? t0),
      bbox: footprint.bbox,
      durationSeconds: null,
      counts: { points: null, vertices: null, messages: null, rows: null, epochs: null, frames: null, fixes: null },
      metadata: {},
      warnings: [],
      footprint,
      ...UNSIGNED,
    };
  });
  console.log(`  ${count.toLocaleString()} drives: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const [licence] = (
    await client.query<{ id: string; slug: string; name: string; full_text: string; terms: LicenceTerms }>(
      `SELECT id, slug, name, full_text, terms FROM licence_templates WHERE slug = 'commercial-ai-training'`,
    )
  ).rows;
  const now = new Date();
  const draft = {
    id: randomUUID(),
    ownerId: curatorId,
    title: 'Munich street drives, 2026',
    description: 'Bench',
    tags: [],
    captureIds: captures.map((c) => c.id),
    sampleCaptureIds: [],
    licenceTemplateId: licence.id,
    licenceTerms: licence.terms,
    priceUsdCents: 5_000_000,
    unitPrices: { perKmUsdCents: 150, perHourUsdCents: 2_000, minimumUsdCents: 1_000 },
    declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
    splitPolicy: null,
    draftState: null,
    draftRevision: 1,
    submittedAt: now,
    latestVersion: 1,
    takenDownAt: null,
    takedownReason: null,
    createdAt: now,
    updatedAt: now,
  } satisfies DatasetEntity;
  const { version, files } = freezeVersion({
    draft,
    version: 1,
    captures,
    licence: { templateId: licence.id, slug: licence.slug, name: licence.name, text: licence.full_text, terms: licence.terms },
    approvedBy: adminId,
    publishedAt: now,
    listed: true,
  });
  await client.query('BEGIN');
  for (let start = 0; start < captures.length; start += 2_000) {
    const batch = captures.slice(start, start + 2_000);
    await client.query(
      `INSERT INTO captures (id, owner_id, status, filename, declared_size_bytes, declared_sha256, object_key)
       SELECT id, owner, 'ready', filename, size, sha256, key
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::text[]) AS c(id, owner, filename, size, sha256, key)`,
      [
        batch.map((c) => c.id),
        batch.map((c) => c.ownerId),
        batch.map((c) => c.filename),
        batch.map((c) => c.sizeBytes),
        batch.map((c) => c.sha256),
        batch.map((c) => c.objectKey),
      ],
    );
  }
  await client.query(
    `INSERT INTO datasets (id, owner_id, title, description, tags, capture_ids, licence_template_id, licence_terms, price_usd_cents, unit_prices,
       declarations, draft_state, draft_revision, latest_version, created_at, updated_at)
     VALUES ($1, $2, $3, $4, '{}', $5, $6, $7, $8, $9, $10, NULL, 1, 1, now(), now())`,
    [
      draft.id,
      curatorId,
      draft.title,
      draft.description,
      draft.captureIds,
      licence.id,
      JSON.stringify(licence.terms),
      draft.priceUsdCents,
      JSON.stringify(draft.unitPrices),
      JSON.stringify(draft.declarations),
    ],
  );
  // The repository's own insert, on this client's transaction: the listing trigger indexes the version at COMMIT.
  const manager = {
    query: async (sql: string, params: unknown[]): Promise<unknown[]> => (await client.query<Record<string, unknown>>(sql, params)).rows,
  } as unknown as EntityManager;
  await new DatasetVersionRepository(null as never, null as never, null as never).insert(manager, version, files);
  await client.query('COMMIT');
  await client.query('ANALYZE');
  const [{ cells }] = (
    await client.query<{ cells: number }>(`SELECT count(*)::int AS cells FROM dataset_search_cells WHERE dataset_id = $1`, [draft.id])
  ).rows;
  console.log(`  frozen, listed and indexed (${cells.toLocaleString()} cell rows): ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return draft.id;
}
