import type { DatasetVersionEntity } from '../entities/dataset-version.entity.js';
import type { DatasetVersionFileEntity } from '../entities/dataset-version-file.entity.js';
import type { JsonLd } from './croissant-document.js';
import { declarationSentences } from './declaration-words.js';
import { mediaTypeOf } from './media-types.js';

export const SPDX_CONTEXT = 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld';
export const SPDX_VERSION = '3.0.1';

/** SPDX 3 dataset types (dataset_DatasetType) of each capture modality. */
const DATASET_TYPES: Record<string, string[]> = {
  video: ['video', 'sensor'],
  imagery: ['image', 'sensor'],
  pointcloud: ['sensor', 'numeric'],
  mesh: ['sensor', 'structured'],
  telemetry: ['timeseries', 'sensor'],
  gnss: ['timeseries', 'sensor'],
};

export interface SpdxInput {
  origin: string;
  version: DatasetVersionEntity;
  files: readonly DatasetVersionFileEntity[];
  /** When the document is made (its CreationInfo). */
  created: Date;
}

/** A licence reference id SPDX accepts for a licence outside its list: LicenseRef- and the template's slug. */
export const licenceRef = (slug: string) => `LicenseRef-depai-${slug.replace(/[^A-Za-z0-9.-]/g, '-')}`;

/**
 * The SPDX 3 document of one published version: a dataset_DatasetPackage that contains a software_File per manifest
 * file (with its SHA-256), its declared and concluded licence (the marketplace licence as a LicenseRef), who published
 * it, and the Dataset profile's fields from the declarations and the probes' facts.
 */
export function spdxDocument(input: SpdxInput): JsonLd {
  const { origin, version, files } = input;
  const base = `${origin}/v1/datasets/${version.datasetId}/versions/${version.version}/spdx`;
  const id = (name: string) => `${base}#${name}`;
  const creationInfo = '_:creationinfo';
  const marketplace = id('marketplace');
  const contributors = id('contributors');
  const pkg = id('package');
  const licence = id('licence');
  const published = new Date(version.publishedAt).toISOString();
  const element = (type: string, name: string, fields: JsonLd) => ({ type, spdxId: id(name), creationInfo, ...fields });
  const fileElements = files.map((file) =>
    element('software_File', `file-${file.leafIndex}`, {
      name: file.path,
      software_contentType: mediaTypeOf(file.format),
      software_primaryPurpose: 'data',
      releaseTime: published,
      verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: file.sha256 }],
      comment: `${file.modality} (${file.format}), ${file.sizeBytes} bytes, capture ${file.captureId}`,
    }),
  );
  const relationship = (name: string, relationshipType: string, to: string | string[]) =>
    element('Relationship', `relationship-${name}`, { relationshipType, from: pkg, to: Array.isArray(to) ? to : [to] });
  const types = [...new Set(version.modalities.flatMap((m) => DATASET_TYPES[m] ?? ['other']))];
  const graph: JsonLd[] = [
    { type: 'CreationInfo', '@id': creationInfo, specVersion: SPDX_VERSION, created: input.created.toISOString(), createdBy: [marketplace] },
    element('Organization', 'marketplace', { name: 'DePAI data marketplace', externalIdentifier: [] }),
    element('Organization', 'contributors', {
      name: `${version.contributors.length} contributor${version.contributors.length === 1 ? '' : 's'} of the DePAI data marketplace`,
    }),
    element('SpdxDocument', 'document', {
      name: `SPDX document of ${version.title}, version ${version.version}`,
      profileConformance: ['core', 'software', 'simpleLicensing', 'dataset'],
      rootElement: [pkg],
      element: [marketplace, contributors, pkg, licence, ...fileElements.map((f) => f.spdxId)],
    }),
    element('dataset_DatasetPackage', 'package', {
      name: version.title,
      description: version.description,
      software_packageVersion: String(version.version),
      software_downloadLocation: `${origin}/datasets/${version.datasetId}`,
      software_primaryPurpose: 'data',
      originatedBy: [contributors],
      suppliedBy: marketplace,
      builtTime: published,
      releaseTime: published,
      comment: `Merkle root ${version.merkleRoot} over the dsv1 leaves of its ${version.fileCount} files, anchored on Solana.`,
      dataset_datasetType: types,
      dataset_datasetSize: version.totalBytes,
      dataset_dataCollectionProcess: [
        `Sensor recordings (${version.modalities.join(', ')}) verified by size and SHA-256 on arrival, probed, and reviewed by a marketplace admin before publication.`,
        ...declarationSentences(version.declarations),
      ].join(' '),
      dataset_intendedUse: 'Training and evaluating physical-AI models, within the licence terms.',
      dataset_hasSensitivePersonalInformation: version.declarations.identifiablePeople ? 'yes' : 'no',
      ...(version.declarations.piiRedacted ? { dataset_anonymizationMethodUsed: ['Faces and licence plates blurred'] } : {}),
      dataset_knownBias: ['Covers only the places and times its contributors recorded; see the coverage on the dataset page.'],
      dataset_sensor: version.modalities.map((modality) => ({
        type: 'DictionaryEntry',
        key: modality,
        value: [...new Set(files.filter((f) => f.modality === modality).map((f) => f.format))].join(', '),
      })),
      dataset_confidentialityLevel: 'amber',
      dataset_datasetAvailability: 'registration',
      dataset_datasetUpdateMechanism: 'Versions are frozen; changes and consent withdrawals publish a new version.',
    }),
    element('simplelicensing_LicenseExpression', 'licence', {
      simplelicensing_licenseExpression: licenceRef(version.licenceSlug),
      simplelicensing_customIdToUri: [
        { type: 'DictionaryEntry', key: licenceRef(version.licenceSlug), value: `${origin}/datasets/${version.datasetId}#licence` },
      ],
    }),
    ...fileElements,
    relationship(
      'contains',
      'contains',
      fileElements.map((f) => f.spdxId),
    ),
    relationship('declared-licence', 'hasDeclaredLicense', licence),
    relationship('concluded-licence', 'hasConcludedLicense', licence),
    relationship('available-from', 'availableFrom', marketplace),
  ];
  return { '@context': SPDX_CONTEXT, '@graph': graph };
}
