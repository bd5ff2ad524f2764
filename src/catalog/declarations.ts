/** What the contributor declares about the data before a dataset may be reviewed. */
export interface Declarations {
  /** They own the data or may license it. */
  ownsRights: boolean;
  /** People can be identified in the data (faces, plates, voices, names). */
  identifiablePeople: boolean;
  /** Consent was obtained from identifiable people; required when identifiablePeople is true. */
  consentObtained?: boolean;
  /** Faces and licence plates are blurred (or there are none). */
  piiRedacted: boolean;
  /** The data shows restricted locations (military sites, critical infrastructure, private premises). */
  restrictedLocations: boolean;
  /** Which restricted locations and why they may be shown; required when restrictedLocations is true. */
  restrictedLocationsNote?: string;
}

/**
 * Every reason the declarations do not yet allow submission, in a fixed order; empty when they are complete.
 * A draft may be saved with partial declarations; submission needs all of them.
 */
export function missingDeclarations(declarations: Partial<Declarations>): string[] {
  const problems: string[] = [];
  if (declarations.ownsRights !== true) problems.push('ownsRights: you must declare that you own the data or may license it');
  if (typeof declarations.identifiablePeople !== 'boolean') problems.push('identifiablePeople: declare whether people can be identified in the data');
  if (declarations.identifiablePeople === true && declarations.consentObtained !== true) {
    problems.push('consentObtained: people are identifiable, so consent must have been obtained');
  }
  if (typeof declarations.piiRedacted !== 'boolean') problems.push('piiRedacted: declare whether faces and licence plates are blurred');
  if (typeof declarations.restrictedLocations !== 'boolean') problems.push('restrictedLocations: declare whether restricted locations are shown');
  if (declarations.restrictedLocations === true && !declarations.restrictedLocationsNote?.trim()) {
    problems.push('restrictedLocationsNote: say which restricted locations are shown and why they may be');
  }
  return problems;
}
