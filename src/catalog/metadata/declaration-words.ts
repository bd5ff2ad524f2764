import type { Declarations } from '../declarations.js';

/**
 * What the contributor declared, in plain sentences: one source for the dataset card, Croissant's
 * rai:personalSensitiveInformation and the SPDX document.
 */
export function declarationSentences(declarations: Declarations): string[] {
  const sentences = [
    declarations.ownsRights
      ? 'The contributor declares that they own this data or may license it.'
      : 'The contributor has not declared that they may license this data.',
  ];
  if (declarations.identifiablePeople) {
    sentences.push(
      declarations.consentObtained
        ? 'People can be identified in the data (faces, licence plates, voices or names), and their consent was obtained.'
        : 'People can be identified in the data (faces, licence plates, voices or names); consent is not declared.',
    );
  } else {
    sentences.push('No identifiable people are in the data, as declared by the contributor.');
  }
  sentences.push(declarations.piiRedacted ? 'Faces and licence plates are blurred, or there are none.' : 'Faces and licence plates are not blurred.');
  sentences.push(
    declarations.restrictedLocations
      ? `Restricted locations are shown${declarations.restrictedLocationsNote ? `: ${declarations.restrictedLocationsNote}` : '.'}`
      : 'No restricted locations (military sites, critical infrastructure, private premises) are shown.',
  );
  return sentences;
}
