import type { LicenceTerms } from '../../licensing/licence-terms.js';

/** One contributor (other than the dataset's owner) whose captures are in a draft, and the share they were shown. */
export interface DraftContributor {
  contributorId: string;
  /** Their captures in the draft, sorted. */
  captureIds: string[];
  /** The network each of those captures came in through; null for a direct upload. */
  networkOf: Record<string, string | null>;
  /** Their weight in basis points of the contributors' pool, rounded down (as the draft shows it). */
  shareBps: number;
}

/** What a contributor consents to when a draft holds their captures: a snapshot for the consent module. */
export interface DraftConsentTerms {
  datasetId: string;
  ownerId: string;
  title: string;
  draftState: 'editing' | 'in_review' | 'changes_requested' | 'rejected';
  draftRevision: number;
  licence: { slug: string; name: string; terms: LicenceTerms };
  priceUsdCents: number;
  /** Sorted by contributor id; the owner's own captures need no consent and are not listed. */
  contributors: DraftContributor[];
}
