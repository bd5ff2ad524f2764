/** What a licence lets a buyer do with a dataset; templates set them, datasets may only narrow them. */
export interface LicenceTerms {
  permittedUses: {
    aiTraining: boolean;
    evaluation: boolean;
    commercialUse: boolean;
    redistribution: boolean;
    derivativeMaps: boolean;
  };
  attributionRequired: boolean;
  /** ISO 3166-1 alpha-2 codes, or ['WORLD']. */
  territory: string[];
  /** Months the licence lasts from purchase; null is perpetual. */
  termMonths: number | null;
  /** Sold to one buyer only. */
  exclusive: boolean;
  /** People or systems at the buyer that may use the data; null is unlimited. */
  maxSeats: number | null;
  /**
   * Whether a contributor's withdrawal of consent ends the buyer's right to the withdrawn files (issue 16): downloads of
   * them stop and the order's certificate is reissued without them. Absent on terms frozen before the term existed,
   * which read as false: those buyers keep what they bought.
   */
  revocableOnWithdrawal?: boolean;
}

/** The term as a buyer's licence has it; terms frozen before it existed keep the files (false). */
export function revocableOnWithdrawal(terms: Pick<LicenceTerms, 'revocableOnWithdrawal'>): boolean {
  return terms.revocableOnWithdrawal === true;
}

/** What a withdrawal does to a buyer's files under these terms, in plain words (dataset page, order page, consent request). */
export function withdrawalWords(terms: Pick<LicenceTerms, 'revocableOnWithdrawal'>): string {
  return revocableOnWithdrawal(terms)
    ? 'If a contributor withdraws consent, buyers must stop using the withdrawn files: their downloads stop and the certificate is reissued without them'
    : 'If a contributor withdraws consent, buyers may keep using the files they bought under their licence';
}

export const PERMITTED_USES = ['aiTraining', 'evaluation', 'commercialUse', 'redistribution', 'derivativeMaps'] as const;

const coversTerritory = (wide: string[], narrow: string[]) =>
  wide.includes('WORLD') || narrow.every((code) => code !== 'WORLD' && wide.includes(code));
const atMost = (wide: number | null, narrow: number | null) => wide === null || (narrow !== null && narrow <= wide);

/**
 * Every way `narrowed` grants more than `template` (empty when it only narrows): a use switched on, attribution
 * dropped, a territory, term or seat count beyond the template's, or a change of exclusivity (which changes what
 * is being sold rather than narrowing it).
 */
export function wideningsOf(template: LicenceTerms, narrowed: LicenceTerms): string[] {
  const problems: string[] = [];
  for (const use of PERMITTED_USES) {
    if (narrowed.permittedUses[use] && !template.permittedUses[use]) problems.push(`permittedUses.${use} is not granted by the template`);
  }
  if (template.attributionRequired && !narrowed.attributionRequired) problems.push('attributionRequired cannot be dropped');
  if (!coversTerritory(template.territory, narrowed.territory)) problems.push(`territory must lie within ${template.territory.join(', ')}`);
  if (!atMost(template.termMonths, narrowed.termMonths)) problems.push(`termMonths must be at most ${template.termMonths}`);
  if (narrowed.exclusive !== template.exclusive) problems.push(`exclusive must stay ${template.exclusive}`);
  if (!atMost(template.maxSeats, narrowed.maxSeats)) problems.push(`maxSeats must be at most ${template.maxSeats}`);
  if (revocableOnWithdrawal(template) && narrowed.revocableOnWithdrawal === false) problems.push('revocableOnWithdrawal cannot be dropped');
  return problems;
}

/** A new template's terms as stored: a template that does not say keeps its buyers' files. */
export function withRevocationStated(terms: LicenceTerms): LicenceTerms {
  return { ...terms, revocableOnWithdrawal: revocableOnWithdrawal(terms) };
}

/**
 * Narrowed terms as a dataset keeps them: a narrowing that does not mention revocableOnWithdrawal takes the template's
 * (clients written before the term existed send none).
 */
export function withTemplateRevocation(template: LicenceTerms, narrowed: LicenceTerms): LicenceTerms {
  return { ...narrowed, revocableOnWithdrawal: narrowed.revocableOnWithdrawal ?? revocableOnWithdrawal(template) };
}
