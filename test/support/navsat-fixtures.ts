import { CdrWriter } from '@foxglove/cdr';

/**
 * A sensor_msgs/msg/NavSatFix in ROS 2 CDR, written with @foxglove/cdr's CdrWriter (the encoder JS ROS 2 tools use):
 * header (stamp from `ns`, frame "gps"), status (service GPS), latitude, longitude, altitude, a diagonal covariance.
 */
export function navSatFixCdr(ns: bigint, status: number, lat: number, lon: number, alt = 250): Uint8Array {
  const w = new CdrWriter();
  w.int32(Number(ns / 1_000_000_000n))
    .uint32(Number(ns % 1_000_000_000n))
    .string('gps');
  w.int8(status).uint16(1);
  w.float64(lat).float64(lon).float64(alt);
  return w.float64Array([0.5, 0, 0, 0, 0.5, 0, 0, 0, 2], false).uint8(2).data;
}
