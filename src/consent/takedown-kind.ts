/**
 * Why an admin takes captures down (issue 16). A privacy takedown (a face or plate left unblurred, a private place)
 * publishes the version without them at once; the others go through review like a contributor's withdrawal.
 */
export const TAKEDOWN_KINDS = ['privacy', 'legal', 'other'] as const;
export type TakedownKind = (typeof TAKEDOWN_KINDS)[number];

/** What buyers are told, in fixed words: the request itself may name people or places and is never shown to them. */
export const TAKEDOWN_WORDS: Record<TakedownKind, string> = {
  privacy: 'The platform took these captures down on a privacy request (for example, a person who can be recognised).',
  legal: 'The platform took these captures down on a legal request.',
  other: 'The platform took these captures down.',
};

export const CONTRIBUTOR_WITHDREW = 'The contributor withdrew their consent to the use of these captures.';

export function isTakedownKind(value: unknown): value is TakedownKind {
  return typeof value === 'string' && (TAKEDOWN_KINDS as readonly string[]).includes(value);
}
