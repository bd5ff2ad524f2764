import { canonicalJson } from '../provenance/canonical-json.js';
import { sha256, toHex } from '../provenance/merkle-tree.js';
import { type LicenceTerms, PERMITTED_USES } from '../licensing/licence-terms.js';

export type PermittedUse = (typeof PERMITTED_USES)[number];

/** What a contributor lets buyers do with their captures: the uses and territory of a licence. */
export interface ConsentScope {
  permittedUses: Record<PermittedUse, boolean>;
  /** ISO 3166-1 alpha-2 codes, or ['WORLD']. */
  territory: string[];
}

/**
 * The fields a contributor signs when granting consent for one dataset: which of their captures, under which
 * licence and scope, at the price and share they were shown, until when. `nonce` makes each grant unique.
 */
export interface ConsentGrantFields {
  datasetId: string;
  contributorId: string;
  /** Sorted, unique. */
  captureIds: string[];
  /** Slug of the dataset's licence template. */
  licence: string;
  scope: ConsentScope;
  priceUsdCents: number;
  /** Share of the contributors' pool, basis points. */
  shareBps: number;
  /** ISO 8601 UTC as toISOString writes it. */
  issuedAt: string;
  expiresAt: string;
  nonce: string;
}

export type ConsentMethod = 'wallet' | 'session';

/** Clocks of wallets and servers differ a little; a grant issued further ahead than this is refused. */
export const GRANT_CLOCK_SKEW_MS = 5 * 60_000;
/** How a per-dataset grant was given: signed for the dataset, or derived at clearance from an advance grant. */
export type ConsentRecordMethod = ConsentMethod | 'advance';

const USE_WORDS: Record<PermittedUse, string> = {
  aiTraining: 'AI training',
  evaluation: 'evaluation',
  commercialUse: 'commercial use',
  redistribution: 'redistribution',
  derivativeMaps: 'derivative maps',
};

/** The uses a scope switches on, in plain words. */
export function useWords(scope: Pick<ConsentScope, 'permittedUses'>): string[] {
  return PERMITTED_USES.filter((use) => scope.permittedUses[use]).map((use) => USE_WORDS[use]);
}

export function dollars(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/**
 * The text a wallet signs (Ed25519 over its UTF-8 bytes) to grant consent, or that a session grant records: every
 * field of the grant, one per line, in plain words first so the wallet shows its owner what signing does. The server
 * rebuilds it from the submitted fields, so a signature covers exactly these fields and this signer.
 */
export function consentMessage(fields: ConsentGrantFields, signer: string): string {
  return [
    'Physical-AI data marketplace: consent to use my captures',
    '',
    `I let the captures below be sold in dataset ${fields.datasetId} under the licence and scope below, at the price and share shown, until the expiration time. I can withdraw this consent later.`,
    '',
    `Signer: ${signer}`,
    ...grantFieldLines(fields),
  ].join('\n');
}

/** The lines of a per-dataset grant's fields, from `Dataset:` to `Nonce:`, as consent messages state them. */
export function grantFieldLines(fields: ConsentGrantFields): string[] {
  const uses = useWords(fields.scope);
  return [
    `Dataset: ${fields.datasetId}`,
    `Contributor: ${fields.contributorId}`,
    `Captures: ${fields.captureIds.join(', ')}`,
    `Licence: ${fields.licence}`,
    `Uses: ${uses.length > 0 ? uses.join(', ') : 'none'}`,
    `Territory: ${fields.scope.territory.join(', ')}`,
    `Price: USD ${dollars(fields.priceUsdCents)}`,
    `Share: ${(fields.shareBps / 100).toFixed(2)}% of the contributors' pool`,
    `Issued At: ${fields.issuedAt}`,
    `Expiration Time: ${fields.expiresAt}`,
    `Nonce: ${fields.nonce}`,
  ];
}

/**
 * The grant's identity in the public record and the custody log:
 * SHA-256 of the UTF-8 bytes of `cgr1|` followed by canonicalJson({ fields, method, signer, signature }), 64 hex.
 * For a session grant `signer` is the contributor's user id and `signature` null.
 */
export function consentGrantHash(fields: ConsentGrantFields, method: ConsentRecordMethod, signer: string, signature: string | null): string {
  return toHex(sha256(Buffer.from(`cgr1|${canonicalJson({ fields: { ...fields }, method, signer, signature })}`, 'utf8')));
}

/**
 * How a grant's scope differs from a licence: `wider` lists what the grant allows beyond the licence (refused: a
 * consent record says exactly what was agreed for this dataset), `narrower` what the licence sells that the grant
 * does not allow (refused: it would not clear the dataset).
 */
export function scopeDifferences(
  licence: Pick<LicenceTerms, 'permittedUses' | 'territory'>,
  scope: ConsentScope,
): { wider: string[]; narrower: string[] } {
  const wider: string[] = [];
  const narrower: string[] = [];
  for (const use of PERMITTED_USES) {
    if (scope.permittedUses[use] && !licence.permittedUses[use]) wider.push(`${USE_WORDS[use]} is not sold under this licence`);
    if (!scope.permittedUses[use] && licence.permittedUses[use]) narrower.push(`the licence sells ${USE_WORDS[use]}`);
  }
  const covers = (wide: string[], narrow: string[]) => wide.includes('WORLD') || narrow.every((code) => code !== 'WORLD' && wide.includes(code));
  if (!covers(licence.territory, scope.territory))
    wider.push(`territory ${scope.territory.join(', ')} reaches beyond the licence's ${licence.territory.join(', ')}`);
  if (!covers(scope.territory, licence.territory)) narrower.push(`the licence is sold in ${licence.territory.join(', ')}`);
  return { wider, narrower };
}

/** The scope a licence sells, as a grant states it. */
export function scopeOfLicence(terms: Pick<LicenceTerms, 'permittedUses' | 'territory'>): ConsentScope {
  return { permittedUses: { ...terms.permittedUses }, territory: [...terms.territory] };
}

/**
 * What is wrong with a grant's issue and expiry times, or null: both must be instants as toISOString writes them, the
 * issue no further ahead than the clock skew allowed, the expiry after the issue and after now.
 */
export function grantTimesProblem(issuedAt: string, expiresAt: string, now: number): { expired: boolean; problem: string } | null {
  const issued = new Date(issuedAt);
  const expires = new Date(expiresAt);
  if (Number.isNaN(issued.getTime()) || issued.toISOString() !== issuedAt || Number.isNaN(expires.getTime()) || expires.toISOString() !== expiresAt)
    return { expired: false, problem: 'issuedAt and expiresAt must be real instants as toISOString writes them' };
  if (issued.getTime() > now + GRANT_CLOCK_SKEW_MS) return { expired: false, problem: 'issuedAt lies in the future' };
  if (expires.getTime() <= issued.getTime()) return { expired: false, problem: 'expiresAt must come after issuedAt' };
  if (expires.getTime() <= now) return { expired: true, problem: `This grant expired at ${expiresAt}` };
  return null;
}

/** A plain copy of a validated scope with exactly its keys, as hashes and messages cover them. */
export function copyOfScope(scope: ConsentScope): ConsentScope {
  const uses = scope.permittedUses;
  return {
    permittedUses: {
      aiTraining: uses.aiTraining,
      evaluation: uses.evaluation,
      commercialUse: uses.commercialUse,
      redistribution: uses.redistribution,
      derivativeMaps: uses.derivativeMaps,
    },
    territory: [...scope.territory],
  };
}
