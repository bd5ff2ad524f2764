import type { DraftConsentTerms, DraftContributor } from '../catalog/dto/draft-consent.js';
import { canonicalJson } from '../provenance/canonical-json.js';
import { type ConsentGrantFields, scopeOfLicence } from './consent-grant.js';

/** A contributor's standing record for a draft, as far as clearance needs it. */
export interface StandingRecord {
  kind: 'grant' | 'decline';
  fields: ConsentGrantFields | Record<string, unknown>;
  expiresAt: Date | null;
  /** Captures of a grant withdrawn since: they are no longer covered, even if a curator puts them back. */
  withdrawn?: readonly string[];
}

/** A record as the standing walk reads it. */
export interface ConsentRecordLike {
  contributorId: string;
  kind: 'grant' | 'decline' | 'withdrawal' | 'takedown';
  fields: ConsentGrantFields | Record<string, unknown>;
  captureIds: string[];
  expiresAt: Date | null;
}

/**
 * Each contributor's standing answer from their records in order: the newest grant or decline, less the captures
 * withdrawn after it.
 */
export function standingPerContributor(records: readonly ConsentRecordLike[]): Map<string, StandingRecord> {
  const standing = new Map<string, StandingRecord>();
  for (const record of records) {
    // An admin's takedown is nobody's answer: the captures left the dataset, and a curator putting them back asks again.
    if (record.kind === 'takedown') continue;
    if (record.kind === 'withdrawal') {
      const current = standing.get(record.contributorId);
      if (current) standing.set(record.contributorId, { ...current, withdrawn: [...(current.withdrawn ?? []), ...record.captureIds] });
    } else standing.set(record.contributorId, { kind: record.kind, fields: record.fields, expiresAt: record.expiresAt, withdrawn: [] });
  }
  return standing;
}

/**
 * Why a contributor's standing record does not clear the draft as it is now, or null when it does: a grant clears
 * while it is unexpired and names every capture of theirs in the draft and the draft's licence and scope, at no lower
 * a price and no smaller a share than they agreed to. Any other edit of these after the grant asks them again.
 */
export function unclearedReason(
  record: StandingRecord | undefined,
  contributor: DraftContributor,
  terms: DraftConsentTerms,
  now: Date,
): string | null {
  if (!record) return 'has not answered yet';
  if (record.kind === 'decline') return 'declined';
  const fields = record.fields as ConsentGrantFields;
  if (!record.expiresAt || record.expiresAt <= now) return 'their grant has expired';
  const withdrawn = new Set(record.withdrawn ?? []);
  const granted = new Set(fields.captureIds.filter((id) => !withdrawn.has(id)));
  if (contributor.captureIds.some((id) => !granted.has(id))) return 'the draft now holds captures their grant does not name';
  if (fields.licence !== terms.licence.slug || canonicalJson(fields.scope) !== canonicalJson(scopeOfLicence(terms.licence.terms)))
    return 'the licence changed since they granted';
  // A higher price or a larger share (another contributor left) is no worse for them than what they agreed to; nor is a
  // smaller share that only follows some of their own captures leaving (withdrawn, taken down): the rest earn as before.
  if (terms.priceUsdCents < fields.priceUsdCents) return 'the price was lowered since they granted';
  const fewerOfTheirs = contributor.captureIds.length < fields.captureIds.length;
  if (contributor.shareBps < fields.shareBps && !fewerOfTheirs) return 'their share shrank since they granted';
  return null;
}
