/**
 * Errors of the pure provenance code. Kept free of NestJS on purpose (this folder must run in a plain Node
 * verifier and in jobs); the provenance NestJS module maps these codes onto its DomainException subclass.
 */
export enum ProvenanceErrorCode {
  EMPTY_TREE = 'PROVENANCE_EMPTY_TREE',
  LEAF_INDEX_OUT_OF_RANGE = 'PROVENANCE_LEAF_INDEX_OUT_OF_RANGE',
  INVALID_HEX = 'PROVENANCE_INVALID_HEX',
  INVALID_MANIFEST_ENTRY = 'PROVENANCE_INVALID_MANIFEST_ENTRY',
  INVALID_SPLIT_ROW = 'PROVENANCE_INVALID_SPLIT_ROW',
  INVALID_CUSTODY_ENTRY = 'PROVENANCE_INVALID_CUSTODY_ENTRY',
  NOT_CANONICAL_JSON = 'PROVENANCE_NOT_CANONICAL_JSON',
  INVALID_MEMO = 'PROVENANCE_INVALID_MEMO',
}

export class ProvenanceError extends Error {
  constructor(
    readonly code: ProvenanceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProvenanceError';
  }
}
