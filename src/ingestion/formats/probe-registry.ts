import { spatialProbes } from './spatial-probes.js';
import { telemetryProbes } from './telemetry-probes.js';
import type { FormatProbe } from './probe.types.js';

/** Every probe, in sniffing order: strict binary magics before the text formats, the most generic text last. */
export const FORMAT_PROBES: readonly FormatProbe[] = [...spatialProbes, ...telemetryProbes];

export function probeFor(head: Buffer, probes: readonly FormatProbe[] = FORMAT_PROBES): FormatProbe | undefined {
  return probes.find((probe) => probe.sniff(head));
}
