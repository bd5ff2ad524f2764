import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import { Role } from '../../auth/role.js';
import { buildMerkleTree, merkleProof, toHex } from '../../provenance/merkle-tree.js';
import { MANIFEST_LEAF_TAG, encodeManifestLeaf, manifestLeafString } from '../../provenance/manifest-leaf.js';
import { AnchorService } from '../../provenance/services/anchor.service.js';
import { CustodyLogService } from '../../provenance/services/custody-log.service.js';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';
import { FileProofResponse, ManifestFileView, ManifestResponse } from '../dto/manifest.response.js';
import {
  AnchorInfo,
  CustodyEntryView,
  CustodyVerificationView,
  CustodyView,
  ProvenanceResponse,
  VersionProvenance,
} from '../dto/provenance.response.js';
import type { DatasetEntity } from '../entities/dataset.entity.js';
import type { DatasetVersionFileEntity } from '../entities/dataset-version-file.entity.js';
import { DatasetRepository } from '../repositories/dataset.repository.js';
import { DatasetVersionRepository } from '../repositories/dataset-version.repository.js';

/**
 * What lets a buyer trust a dataset: the manifest of a version, a Merkle proof for any file, the on-chain anchors
 * and the verified custody log. Public for listed datasets; owners and admins also see unlisted ones.
 */
@Injectable()
export class DatasetProvenanceService {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly versions: DatasetVersionRepository,
    private readonly custody: CustodyLogService,
    private readonly anchors: AnchorService,
  ) {}

  async manifest(user: AuthUser | null, datasetId: string, version: number): Promise<ManifestResponse> {
    await this.visible(user, datasetId);
    const row = await this.versions.find(datasetId, version);
    if (!row) throw new CatalogException(CatalogErrorCode.VERSION_NOT_FOUND, `Dataset ${datasetId} has no published version ${version}`);
    const files = await this.versions.filesOf(datasetId, version);
    return Object.assign(new ManifestResponse(), {
      datasetId,
      version,
      merkleRoot: row.merkleRoot,
      leafEncoding: MANIFEST_LEAF_TAG,
      files: files.map((file) =>
        Object.assign(new ManifestFileView(), {
          path: file.path,
          captureId: file.captureId,
          sizeBytes: file.sizeBytes,
          sha256: file.sha256,
          modality: file.modality,
          format: file.format,
          deviceSignatureValid: file.deviceSignatureValid,
          metadata: file.metadata,
        }),
      ),
    });
  }

  /** The leaf and sibling path of one file, recomputed from the stored manifest and checked against the frozen root. */
  async proof(user: AuthUser | null, datasetId: string, version: number, path: string): Promise<FileProofResponse> {
    await this.visible(user, datasetId);
    const row = await this.versions.find(datasetId, version);
    if (!row) throw new CatalogException(CatalogErrorCode.VERSION_NOT_FOUND, `Dataset ${datasetId} has no published version ${version}`);
    const files = await this.versions.filesOf(datasetId, version);
    const index = files.findIndex((file) => file.path === path);
    if (index < 0) throw new CatalogException(CatalogErrorCode.FILE_NOT_FOUND, `Version ${version} of dataset ${datasetId} has no file ${path}`);
    const tree = buildMerkleTree(files.map((file) => encodeManifestLeaf(entryOf(file))));
    const root = toHex(tree.root);
    if (root !== row.merkleRoot) {
      // The stored manifest no longer hashes to the root frozen at publication: refuse to hand out a proof.
      throw new CatalogException(CatalogErrorCode.INVALID_STATE, `The stored manifest of version ${version} does not match its Merkle root`);
    }
    return Object.assign(new FileProofResponse(), {
      datasetId,
      version,
      path,
      leaf: manifestLeafString(entryOf(files[index])),
      leafHash: toHex(tree.leafHashes[index]),
      proof: merkleProof(tree, index).map(toHex),
      merkleRoot: root,
    });
  }

  async provenance(user: AuthUser | null, datasetId: string): Promise<ProvenanceResponse> {
    await this.visible(user, datasetId);
    const numbers = await this.versions.numbers(datasetId);
    const [rows, anchors] = await Promise.all([
      Promise.all(numbers.map((number) => this.versions.find(datasetId, number))),
      this.anchors.anchorsOf(datasetId),
    ]);
    // The custody log is read after the anchors: a confirmed anchor's 'anchored' entry commits with it, so reading
    // the log second never shows an anchor confirmed without its entry.
    const [entries, verification] = await Promise.all([this.custody.list(datasetId), this.custody.verify(datasetId)]);
    const anchorOf = new Map(anchors.map((anchor) => [anchor.version, anchor]));
    return Object.assign(new ProvenanceResponse(), {
      datasetId,
      versions: rows.flatMap((row) => {
        if (!row) return [];
        const anchor = anchorOf.get(row.version);
        return [
          Object.assign(new VersionProvenance(), {
            version: row.version,
            merkleRoot: row.merkleRoot,
            fileCount: row.fileCount,
            publishedAt: row.publishedAt,
            anchor: anchor
              ? Object.assign(new AnchorInfo(), {
                  status: anchor.status,
                  cluster: anchor.cluster,
                  memo: anchor.memo,
                  signature: anchor.signature,
                  slot: anchor.slot,
                  confirmedAt: anchor.confirmedAt,
                })
              : null,
          }),
        ];
      }),
      custody: Object.assign(new CustodyView(), {
        entries: entries.map((entry) => Object.assign(new CustodyEntryView(), entry)),
        verification: Object.assign(new CustodyVerificationView(), verification),
      }),
    });
  }

  /** The dataset when the caller may see it: listed and not taken down, or theirs, or the caller is an admin. */
  async visible(user: AuthUser | null, datasetId: string): Promise<DatasetEntity> {
    const dataset = await this.datasets.findById(datasetId);
    const privileged = !!dataset && !!user && (user.role === Role.ADMIN || dataset.ownerId === user.id);
    if (!dataset || (!privileged && (dataset.latestVersion === null || dataset.takenDownAt))) {
      throw new CatalogException(CatalogErrorCode.DATASET_NOT_FOUND, `No dataset ${datasetId}`);
    }
    return dataset;
  }
}

function entryOf(file: DatasetVersionFileEntity) {
  return {
    datasetId: file.datasetId,
    version: file.version,
    captureId: file.captureId,
    sha256: file.sha256,
    sizeBytes: file.sizeBytes,
    path: file.path,
  };
}
