import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ObjectStorage } from '../storage/object-storage.port.js';
import { probeFor } from './formats/probe-registry.js';
import { HEAD_BYTES, ProbeError, type ProbeInput, type ProbeResult } from './formats/probe.types.js';

export type VerificationOutcome =
  | { ok: true; sizeBytes: number; sha256: string; probe: ProbeResult }
  | { ok: false; code: string; reason: string; sizeBytes?: number; sha256?: string };

export interface Declared {
  sizeBytes: number;
  sha256: string;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Checks a stored object against what was declared and describes it, reading it once from start to end:
 * every chunk goes to the SHA-256 and to the format probe chosen from the first bytes. The probe may also
 * read ranges (an index at the end of the file). Memory stays bounded by the chunk size whatever the file size.
 */
export async function verifyStoredObject(storage: ObjectStorage, key: string, declared: Declared): Promise<VerificationOutcome> {
  const stat = await storage.head(key);
  if (!stat) return { ok: false, code: 'missing_object', reason: 'No uploaded bytes were found for this capture' };
  if (stat.size !== declared.sizeBytes) {
    return {
      ok: false,
      code: 'size_mismatch',
      reason: `Declared ${declared.sizeBytes} bytes but ${stat.size} bytes were uploaded`,
      sizeBytes: stat.size,
    };
  }

  const head = await readAll(await storage.read(key, { start: 0, end: Math.min(stat.size, HEAD_BYTES) - 1 }));
  const probe = probeFor(head);
  if (!probe) {
    return {
      ok: false,
      code: 'unknown_format',
      reason: 'The file is not in any format this marketplace accepts (recognised from its bytes, not its name)',
      sizeBytes: stat.size,
    };
  }
  const input: ProbeInput = {
    size: stat.size,
    head,
    read: async (offset, length) => {
      const end = Math.min(stat.size, offset + length) - 1;
      return end < offset ? Buffer.alloc(0) : readAll(await storage.read(key, { start: offset, end }));
    },
  };

  const hash = createHash('sha256');
  const session = probe.open(input);
  let probeFailure: ProbeError | undefined;
  let bytes = 0;
  if (session.push) {
    const push = session.push.bind(session);
    for await (const chunk of await storage.read(key)) {
      const buffer = chunk as Buffer;
      hash.update(buffer);
      bytes += buffer.length;
      if (probeFailure) continue;
      try {
        push(buffer);
      } catch (error) {
        // Keep hashing: a checksum mismatch explains a broken file better than the probe's complaint.
        probeFailure = asProbeError(error);
      }
    }
  } else {
    // A header-only probe keeps no chunk, so the store may lend reused buffers: no fresh memory per chunk.
    bytes = await storage.scan(key, (chunk) => hash.update(chunk));
  }
  const sha256 = hash.digest('hex');
  if (bytes !== stat.size) {
    return { ok: false, code: 'truncated', reason: `Read ${bytes} bytes of the ${stat.size} stored`, sizeBytes: bytes, sha256 };
  }
  if (sha256 !== declared.sha256) {
    return {
      ok: false,
      code: 'checksum_mismatch',
      reason: `Declared SHA-256 ${declared.sha256} but the uploaded bytes hash to ${sha256}`,
      sizeBytes: bytes,
      sha256,
    };
  }
  try {
    if (probeFailure) throw probeFailure;
    return { ok: true, sizeBytes: bytes, sha256, probe: await session.finish() };
  } catch (error) {
    const failure = asProbeError(error);
    return { ok: false, code: failure.reason, reason: `${probe.id}: ${failure.message}`, sizeBytes: bytes, sha256 };
  }
}

export type HashOutcome = { ok: true; sizeBytes: number; sha256: string } | { ok: false; code: 'missing_object'; reason: string };

/** Size and SHA-256 of a stored object, read once with lent buffers (no probe). */
export async function hashStoredObject(storage: ObjectStorage, key: string): Promise<HashOutcome> {
  if (!(await storage.head(key))) return { ok: false, code: 'missing_object', reason: `No object at ${key}` };
  const hash = createHash('sha256');
  const sizeBytes = await storage.scan(key, (chunk) => hash.update(chunk));
  return { ok: true, sizeBytes, sha256: hash.digest('hex') };
}

/** Anything a probe throws is the file's fault unless proven otherwise: a library's RangeError on garbage is 'corrupt'. */
function asProbeError(error: unknown): ProbeError {
  if (error instanceof ProbeError) return error;
  return new ProbeError('corrupt', error instanceof Error ? error.message : String(error));
}
