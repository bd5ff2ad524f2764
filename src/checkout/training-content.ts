import type { TrainingContentFacts } from '../catalog/dto/saleable-version.js';
import type { Plain } from '../common/plain.js';
import type { TrainingContentEntryResponse, TrainingContentModality } from './dto/training-content.response.js';

/** The template's modality of each capture modality: video and imagery are its own kinds; sensor logs are "other". */
const TEMPLATE_MODALITY: Record<string, 'video' | 'image' | 'other'> = { video: 'video', imagery: 'image' };

const HOURS = 3600;

/** Size bands of the Commission's template for video (hours) and images (count). */
function videoRange(hours: number): string {
  if (hours < 1_000) return 'Less than 1,000 hours';
  if (hours <= 1_000_000) return '1,000 to 1 million hours';
  return 'More than 1 million hours';
}

function imageRange(images: number): string {
  if (images < 1_000_000) return 'Less than 1 million images';
  if (images <= 1_000_000_000) return '1 million to 1 billion images';
  return 'More than 1 billion images';
}

/** The template leaves "other" modalities to a description; bands of bytes keep the range as coarse as the others. */
function otherRange(bytes: number): string {
  if (bytes < 1e9) return 'Less than 1 GB of sensor data';
  if (bytes <= 1e12) return '1 GB to 1 TB of sensor data';
  return 'More than 1 TB of sensor data';
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function bytesText(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function modalityEntries(facts: TrainingContentFacts): Plain<TrainingContentModality>[] {
  const groups = new Map<string, TrainingContentFacts['modalities']>();
  for (const totals of facts.modalities) {
    const kind = TEMPLATE_MODALITY[totals.modality] ?? 'other';
    groups.set(kind, [...(groups.get(kind) ?? []), totals]);
  }
  return [...groups].map(([modality, members]) => {
    const files = members.reduce((sum, m) => sum + m.files, 0);
    const bytes = members.reduce((sum, m) => sum + m.bytes, 0);
    const hours = members.reduce((sum, m) => sum + m.durationSeconds, 0) / HOURS;
    const sizeRange = modality === 'video' ? videoRange(hours) : modality === 'image' ? imageRange(files) : otherRange(bytes);
    const amount =
      modality === 'video'
        ? `${hours.toFixed(2)} hours of video in ${plural(files, 'file')}, ${bytesText(bytes)}`
        : `${plural(files, 'file')} (${members.map((m) => m.modality).join(', ')}), ${bytesText(bytes)}`;
    return { modality, sources: members.map((m) => m.modality), sizeRange, amount };
  });
}

/** One "licensed private dataset" entry of an order for the EU AI Act training-content summary. */
export function trainingContentEntry(
  facts: TrainingContentFacts,
  order: { id: string; paidAt: Date | null; slice: boolean },
  origin: string,
): Plain<TrainingContentEntryResponse> {
  const modalities = modalityEntries(facts);
  const period = facts.collectedFrom && facts.collectedTo ? { start: facts.collectedFrom.toISOString(), end: facts.collectedTo.toISOString() } : null;
  const licensor = {
    name: 'DePAI data marketplace',
    onBehalfOf: `${plural(facts.contributorCount, 'contributor')} holding the rights in the files, as they declared`,
    contributorCount: facts.contributorCount,
  };
  const scope = order.slice
    ? `a slice of version ${facts.version} (${plural(facts.files, 'file')})`
    : `version ${facts.version} (all ${plural(facts.files, 'file')})`;
  const text = [
    `"${facts.title}", ${scope}, licensed from the DePAI data marketplace on behalf of ${licensor.onBehalfOf},`,
    `under the licence "${facts.licenceName}"${order.paidAt ? ` on ${order.paidAt.toISOString().slice(0, 10)}` : ''}.`,
    `Modalities: ${modalities.map((m) => `${m.modality}: ${m.sizeRange}`).join('; ')}.`,
    period ? `Collected between ${period.start.slice(0, 10)} and ${period.end.slice(0, 10)}.` : 'Collection period: not recorded in the files.',
  ].join(' ');
  return {
    orderId: order.id,
    category: 'licensed_private_dataset',
    datasetTitle: facts.title,
    datasetId: facts.datasetId,
    version: facts.version,
    scope,
    datasetUrl: `${origin}/datasets/${facts.datasetId}`,
    croissantUrl: `${origin}/v1/datasets/${facts.datasetId}/croissant?version=${facts.version}`,
    merkleRoot: facts.merkleRoot,
    licensor,
    licence: facts.licenceName,
    licensedAt: order.paidAt ? order.paidAt.toISOString() : null,
    modalities,
    files: facts.files,
    sizeBytes: facts.bytes,
    collectionPeriod: period,
    text,
  };
}
