import type { DraftConsentTerms, DraftContributor } from '../catalog/dto/draft-consent.js';
import { canonicalJson } from '../provenance/canonical-json.js';
import { sha256, toHex } from '../provenance/merkle-tree.js';
import {
  type ConsentGrantFields,
  type ConsentMethod,
  type ConsentScope,
  dollars,
  grantFieldLines,
  scopeDifferences,
  useWords,
} from './consent-grant.js';

/**
 * The fields a contributor signs to consent in advance (issue 16): to every dataset that takes their captures from one
 * network (all of those captures came in through it), or to every dataset one curator makes, within the licences,
 * uses and territory named, at no less than the share and price named, until the expiry. Exactly one of `network` and
 * `curatorId` is set. `nonce` makes each grant unique.
 */
export interface AdvanceGrantFields {
  /** Slug of the network the captures came in through; null for a curator grant. */
  network: string | null;
  /** User id of the curator (the dataset's owner); null for a network grant. */
  curatorId: string | null;
  /** Licence template slugs the datasets may sell under; sorted, unique. */
  licences: string[];
  /** The widest use and territory a dataset's licence may sell. */
  scope: ConsentScope;
  /** Least share of the contributors' pool, basis points; null for none. */
  minShareBps: number | null;
  /** Least dataset price, US cents; null for none. */
  minPriceUsdCents: number | null;
  /** ISO 8601 UTC as toISOString writes it. */
  issuedAt: string;
  expiresAt: string;
  nonce: string;
}

/** A per-dataset grant derived at clearance from an advance grant: the dataset's terms, and which grant covered them. */
export type DerivedGrantFields = ConsentGrantFields & { advanceGrantHash: string };

/** An advance grant as clearance reads it. */
export interface LiveAdvanceGrant {
  id: string;
  contributorId: string;
  fields: AdvanceGrantFields;
  method: ConsentMethod;
  signer: string;
  hash: string;
  expiresAt: Date;
}

/** Longest an advance grant may last: consent in advance is renewed, not given for ever. */
export const ADVANCE_GRANT_MAX_DAYS = 5 * 366;

function targetWords(fields: Pick<AdvanceGrantFields, 'network' | 'curatorId'>): string {
  return fields.network !== null
    ? `my captures that came in through network ${fields.network}`
    : `my captures, in datasets curated by ${fields.curatorId}`;
}

function bpsWords(bps: number): string {
  return `${(bps / 100).toFixed(2)}%`;
}

/**
 * The text a wallet signs (Ed25519 over its UTF-8 bytes) to grant in advance, or that a session grant records; the
 * server rebuilds it from the submitted fields and the signer, so a signature covers exactly these and nothing else.
 */
export function advanceGrantMessage(fields: AdvanceGrantFields, signer: string): string {
  const uses = useWords(fields.scope);
  return [
    'Physical-AI data marketplace: advance consent to use my captures',
    '',
    `I let ${targetWords(fields)} be sold in any dataset under the licences and scope below, at no less than the share and price below, until the expiration time, without being asked for each dataset. I can revoke this for datasets not yet cleared, and withdraw from each cleared dataset.`,
    '',
    `Signer: ${signer}`,
    fields.network !== null ? `Network: ${fields.network}` : `Curator: ${fields.curatorId}`,
    `Licences: ${fields.licences.join(', ')}`,
    `Uses: ${uses.length > 0 ? uses.join(', ') : 'none'}`,
    `Territory: ${fields.scope.territory.join(', ')}`,
    `Minimum share: ${fields.minShareBps === null ? 'none' : `${bpsWords(fields.minShareBps)} of the contributors' pool`}`,
    `Minimum price: ${fields.minPriceUsdCents === null ? 'none' : `USD ${dollars(fields.minPriceUsdCents)}`}`,
    `Issued At: ${fields.issuedAt}`,
    `Expiration Time: ${fields.expiresAt}`,
    `Nonce: ${fields.nonce}`,
  ].join('\n');
}

/**
 * The advance grant's identity: SHA-256 of the UTF-8 bytes of `agr1|` followed by
 * canonicalJson({ fields, method, signer, signature }), 64 hex. For a session grant `signer` is the user id and
 * `signature` null.
 */
export function advanceGrantHash(fields: AdvanceGrantFields, method: ConsentMethod, signer: string, signature: string | null): string {
  return toHex(
    sha256(Buffer.from(`agr1|${canonicalJson({ fields: { ...fields, scope: { ...fields.scope } }, method, signer, signature })}`, 'utf8')),
  );
}

/** A revocation's identity: SHA-256 hex of `arv1|` + canonicalJson({ grantHash, contributorId, at }). */
export function advanceRevocationHash(grantHash: string, contributorId: string, at: string): string {
  return toHex(sha256(Buffer.from(`arv1|${canonicalJson({ grantHash, contributorId, at })}`, 'utf8')));
}

/**
 * Why an advance grant does not cover a contributor's part of a draft, one plain sentence each; empty when it does:
 * every capture of theirs came in through the grant's network (or the curator is the grant's), the licence is one it
 * allows and sells nothing beyond its uses and territory, the share and price are at least its minimums, and it has
 * not expired.
 */
export function advanceGrantGaps(fields: AdvanceGrantFields, contributor: DraftContributor, terms: DraftConsentTerms, now: Date): string[] {
  const gaps: string[] = [];
  if (new Date(fields.expiresAt) <= now) gaps.push(`it expired at ${fields.expiresAt}`);
  if (fields.network !== null) {
    const elsewhere = contributor.captureIds.filter((id) => contributor.networkOf[id] !== fields.network);
    if (elsewhere.length > 0) gaps.push(`${elsewhere.length} of your captures in the draft did not come in through network ${fields.network}`);
  } else if (fields.curatorId !== terms.ownerId) gaps.push(`it covers datasets curated by ${fields.curatorId}, not this curator`);
  if (!fields.licences.includes(terms.licence.slug)) gaps.push(`licence ${terms.licence.slug} is not among ${fields.licences.join(', ')}`);
  gaps.push(...scopeDifferences(terms.licence.terms, fields.scope).narrower.map((words) => `${words}, beyond its scope`));
  if (fields.minShareBps !== null && contributor.shareBps < fields.minShareBps)
    gaps.push(`your share ${bpsWords(contributor.shareBps)} is below its minimum ${bpsWords(fields.minShareBps)}`);
  if (fields.minPriceUsdCents !== null && terms.priceUsdCents < fields.minPriceUsdCents)
    gaps.push(`the price USD ${dollars(terms.priceUsdCents)} is below its minimum USD ${dollars(fields.minPriceUsdCents)}`);
  return gaps;
}

/**
 * The text a derived grant records: which advance grant cleared which dataset on which terms. Its hash
 * (consentGrantHash with method `advance`) covers the fields, the advance grant's hash among them.
 */
export function derivedGrantMessage(fields: DerivedGrantFields, signer: string): string {
  return [
    'Physical-AI data marketplace: consent given in advance',
    '',
    `The advance grant ${fields.advanceGrantHash} covers the captures below in dataset ${fields.datasetId} under the licence, scope, price and share below.`,
    '',
    `Signer of the advance grant: ${signer}`,
    ...grantFieldLines(fields),
    `Advance Grant: ${fields.advanceGrantHash}`,
  ].join('\n');
}
