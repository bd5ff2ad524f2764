import type { JsonValue } from '../provenance/canonical-json.js';
import type { CustodyRecord } from '../provenance/custody-log.js';
import { sha256, toHex } from '../provenance/merkle-tree.js';

/** SHA-256 hex of `cgs1|` + the sorted grant hashes joined by `,`: the grant set that cleared one version. */
export function grantSetHash(grantHashes: readonly string[]): string {
  return toHex(sha256(Buffer.from(`cgs1|${[...grantHashes].sort().join(',')}`, 'utf8')));
}

/**
 * The grants that stood when each version was published, read from the custody log alone: walking it in seq order,
 * each contributor's newest consent entry (granted or declined) stands, and a `published` entry freezes the grants
 * standing then. Anyone holding the log can redo this.
 */
export function grantsPerVersion(log: readonly CustodyRecord[]): { version: number; grantHashes: string[] }[] {
  // Per contributor: the standing grant and which of its captures are still in the dataset.
  const standing = new Map<string, { hash: string; captures: Set<string> } | null>();
  const versions: { version: number; grantHashes: string[] }[] = [];
  for (const entry of log) {
    if (entry.kind === 'consent-granted') {
      const captures = Array.isArray(entry.details.captureIds) ? entry.details.captureIds.map(textOf) : [];
      standing.set(entry.actorId, { hash: textOf(entry.details.grantHash), captures: new Set(captures) });
    } else if (entry.kind === 'consent-declined') standing.set(entry.actorId, null);
    else if (entry.kind === 'files-changed' && Array.isArray(entry.details.removed)) {
      // A grant whose captures have all left the dataset clears nothing any more.
      for (const removed of entry.details.removed) for (const grant of standing.values()) grant?.captures.delete(textOf(removed));
    } else if (entry.kind === 'published' && typeof entry.details.version === 'number') {
      const grantHashes = [...standing.values()]
        .filter((grant): grant is { hash: string; captures: Set<string> } => grant !== null && grant.captures.size > 0)
        .map((grant) => grant.hash)
        .sort();
      versions.push({ version: entry.details.version, grantHashes });
    }
  }
  return versions;
}

/** A string detail of a custody entry; anything else reads as empty (and so matches no grant or capture). */
export function textOf(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}
