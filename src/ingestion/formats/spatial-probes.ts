import { e57Probe } from './e57.probe.js';
import { gltfProbe } from './gltf.probe.js';
import { lasProbe } from './las.probe.js';
import { mp4Probe } from './mp4.probe.js';
import { pcdProbe } from './pcd.probe.js';
import { plyProbe } from './ply.probe.js';
import { FormatProbe } from './probe.types.js';

/**
 * Probes for video (MP4 / MOV, with GoPro GPMF GPS) and 3D data (LAS / LAZ / COPC, E57, glTF / GLB, PLY, PCD).
 * Ordered from the most specific magic to the loosest (PCD's text header), so a driver that takes the first
 * probe whose sniff() says yes never lets a loose text check win over an exact signature.
 */
export const spatialProbes: FormatProbe[] = [lasProbe, e57Probe, mp4Probe, gltfProbe, plyProbe, pcdProbe];
