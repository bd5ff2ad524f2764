export type AnchorStatus = 'pending' | 'confirmed';

/** One dataset version's on-chain anchor, as the catalog shows it. */
export interface AnchorView {
  version: number;
  merkleRoot: string;
  /** The memo text recorded (or to be recorded): `mkt:v1:anchor:<datasetId>:<version>:<merkleRoot>`. */
  memo: string;
  status: AnchorStatus;
  /** `litesvm`, a public cluster name, `localnet` or the RPC host; null while pending. */
  cluster: string | null;
  signature: string | null;
  slot: number | null;
  /** When the service stored the confirmation, ISO 8601; null while pending. */
  confirmedAt: string | null;
  /** Attempts of the recording job so far. */
  attempts: number;
  /** Why the last attempt failed; null once confirmed. */
  lastError: string | null;
}

/** The memo read back from the ledger for a confirmed anchor. */
export interface AnchorReadBack {
  signature: string;
  /** null when the ledger has no successful transaction with a memo under the signature. */
  memo: string | null;
  /** The memo equals the one this service recorded. */
  matches: boolean;
}
