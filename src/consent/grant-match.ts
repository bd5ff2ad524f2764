import type { DraftConsentTerms, DraftContributor } from '../catalog/dto/draft-consent.js';
import { canonicalJson } from '../provenance/canonical-json.js';
import { type ConsentGrantFields, scopeOfLicence } from './consent-grant.js';

/** A contributor's standing record for a draft, as far as clearance needs it. */
export interface StandingRecord {
  kind: 'grant' | 'decline';
  fields: ConsentGrantFields | Record<string, unknown>;
  expiresAt: Date | null;
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
  const granted = new Set(fields.captureIds);
  if (contributor.captureIds.some((id) => !granted.has(id))) return 'the draft now holds captures their grant does not name';
  if (fields.licence !== terms.licence.slug || canonicalJson(fields.scope) !== canonicalJson(scopeOfLicence(terms.licence.terms)))
    return 'the licence changed since they granted';
  // A higher price or a larger share (another contributor left) is no worse for them than what they agreed to.
  if (terms.priceUsdCents < fields.priceUsdCents) return 'the price was lowered since they granted';
  if (contributor.shareBps < fields.shareBps) return 'their share shrank since they granted';
  return null;
}
