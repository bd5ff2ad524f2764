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
  return problems;
}
