import type { ObjectStorageSettings } from '../../storage/object-storage.settings.js';
import type { Declared, HashOutcome, VerificationOutcome } from '../capture-verifier.js';

/** One job for a verification thread: hash and probe a capture's object against its declaration, or only hash it. */
export type VerifierTask = { kind: 'verify'; key: string; declared: Declared } | { kind: 'hash'; key: string };

export type VerifierResult = VerificationOutcome | HashOutcome;

/** What every verification thread starts with. */
export interface VerifierData {
  storage: ObjectStorageSettings;
  /** A thread whose largest decompressed block passed this many bytes is replaced after its task. */
  recycleAboveBytes: number;
}
