import { readFileSync } from 'node:fs';
import { CdrWriter } from '@foxglove/cdr';
import { McapWriter, TempBuffer } from '@mcap/core';
import { navSatFixCdr } from '../../../test/support/navsat-fixtures.js';
import { assertPreviewSurvives } from '../../../test/support/preview-fuzz.js';
import { sensorBag } from '../../../test/support/ros1-bag.js';
import { runProbe } from '../../../test/support/probe-harness.js';
import { describeSample } from '../../../test/support/samples.js';
import { FORMAT_PROBES, probeFor } from '../formats/probe-registry.js';
import { encodePng } from './png-encoder.js';
import type { RoboticsPreview } from './preview.types.js';
import { roboticsPreview, topicsOf } from './robotics-preview.js';

async function probed(bytes: Buffer) {
  const probe = probeFor(bytes.subarray(0, 65536), FORMAT_PROBES);
  if (!probe) throw new Error('no probe');
  return runProbe(probe, bytes);
}

function imuCdr(sec: number, accelZ: number): Uint8Array {
  const w = new CdrWriter();
  w.int32(sec).uint32(0).string('imu');
  w.float64Array([0, 0, 0, 1], false).float64Array(new Array(9).fill(0), false);
  w.float64Array([0.1, 0.2, 0.3], false).float64Array(new Array(9).fill(0), false);
  return w.float64Array([0, 0, accelZ], false).float64Array(new Array(9).fill(0), false).data;
}

function compressedImageCdr(sec: number, png: Buffer): Uint8Array {
  const w = new CdrWriter();
  w.int32(sec).uint32(0).string('camera').string('png');
  w.sequenceLength(png.length);
  return w.uint8Array(png, false).data;
}

/** An MCAP with NavSatFix, Imu and CompressedImage topics in ROS 2 CDR, 10 s at 1 Hz. */
async function sensorMcap(png: Buffer): Promise<Buffer> {
  const buffer = new TempBuffer();
  const writer = new McapWriter({ writable: buffer, chunkSize: 4096 });
  await writer.start({ profile: 'ros2', library: 'previews spec' });
  const channel = async (topic: string, name: string) => {
    const schemaId = await writer.registerSchema({ name, encoding: 'ros2msg', data: new Uint8Array() });
    return writer.registerChannel({ topic, messageEncoding: 'cdr', schemaId, metadata: new Map() });
  };
  const [gps, imu, camera] = [
    await channel('/gps/fix', 'sensor_msgs/msg/NavSatFix'),
    await channel('/imu', 'sensor_msgs/msg/Imu'),
    await channel('/camera/compressed', 'sensor_msgs/msg/CompressedImage'),
  ];
  const start = 1_764_000_000;
  for (let i = 0; i < 10; i += 1) {
    const ns = BigInt(start + i) * 1_000_000_000n;
    const at = { sequence: i, logTime: ns, publishTime: ns };
    await writer.addMessage({ channelId: gps, ...at, data: navSatFixCdr(ns, 0, 46.05 + i * 0.001, 14.5, 300 + i) });
    await writer.addMessage({ channelId: imu, ...at, data: imuCdr(start + i, 9.8 + i / 10) });
    await writer.addMessage({ channelId: camera, ...at, data: compressedImageCdr(start + i, png) });
  }
  await writer.end();
  return Buffer.from(buffer.get());
}

describe('roboticsPreview of an MCAP with sensor topics', () => {
  it('tabulates topics with rates, plots NavSatFix and Imu, keeps the track and the first camera frame', async () => {
    const png = encodePng({ width: 1, height: 1, data: new Uint8Array([255, 0, 0, 255]) });
    const bytes = await sensorMcap(png);
    const probe = await probed(bytes);
    const preview = await roboticsPreview('mcap', probe.metadata, 9, bytes);
    const content = preview.content as RoboticsPreview;
    expect(content.topics).toEqual([
      { topic: '/gps/fix', type: 'sensor_msgs/msg/NavSatFix', messageCount: 10, frequencyHz: 1.111 },
      { topic: '/imu', type: 'sensor_msgs/msg/Imu', messageCount: 10, frequencyHz: 1.111 },
      { topic: '/camera/compressed', type: 'sensor_msgs/msg/CompressedImage', messageCount: 10, frequencyHz: 1.111 },
    ]);
    const altitude = content.series.find((s) => s.name === '/gps/fix altitude');
    expect(altitude?.t).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(altitude?.v[9]).toBe(309);
    expect(content.series.find((s) => s.name === '/imu acceleration z')?.v[0]).toBeCloseTo(9.8);
    expect(content.series.find((s) => s.name === '/imu angular velocity y')?.v[0]).toBeCloseTo(0.2);
    expect(content.track?.[9]).toEqual([14.5, 46.059, 9]);
    expect(content.frames).toEqual([{ file: 'frame-1.png', topic: '/camera/compressed', contentType: 'image/png' }]);
    expect(preview.files[0].body.equals(png)).toBe(true);
  });
});

describe('roboticsPreview of damaged MCAP files', () => {
  it('never throws on truncated or damaged copies: the topics table stays, the plots say why they are missing', async () => {
    const bytes = await sensorMcap(encodePng({ width: 1, height: 1, data: new Uint8Array([255, 0, 0, 255]) }));
    const probe = await probed(bytes);
    await assertPreviewSurvives((b) => roboticsPreview('mcap', probe.metadata, 9, b), bytes, { runs: 80 });
    const cut = await roboticsPreview('mcap', probe.metadata, 9, bytes.subarray(0, 700));
    expect((cut.content as RoboticsPreview).topics).toHaveLength(3);
  });
});

describeSample('talker.mcap', (path) => {
  it('lists the talker topic with its type, count and rate', async () => {
    const bytes = readFileSync(path);
    const probe = await probed(bytes);
    const content = (await roboticsPreview('mcap', probe.metadata, probe.durationSeconds ?? null, bytes)).content as RoboticsPreview;
    const chatter = content.topics.find((t) => t.topic === '/topic');
    expect(chatter).toMatchObject({ type: 'std_msgs/msg/String' });
    expect(chatter?.messageCount).toBeGreaterThan(0);
    expect(content.series).toEqual([]);
  });
});

describeSample('example-bz2.bag', (path) => {
  it('adds up a ROS 1 bag connection counts per topic', async () => {
    const probe = await probed(readFileSync(path));
    const topics = topicsOf(probe.metadata, probe.durationSeconds ?? null);
    expect(topics.length).toBeGreaterThan(0);
    const total = topics.reduce((sum, t) => sum + t.messageCount, 0);
    expect(total).toBe(probe.counts?.messages);
    expect(new Set(topics.map((t) => t.topic)).size).toBe(topics.length);
  });
});

describe('roboticsPreview of a ROS 1 bag with sensor topics', () => {
  const png = encodePng({ width: 1, height: 1, data: new Uint8Array([0, 128, 255, 255]) });

  it('plots NavSatFix and Imu, keeps the track and the first camera frame, as for MCAP', async () => {
    const bytes = sensorBag(png);
    const probe = await probed(bytes);
    expect(probe.format).toBe('rosbag1');
    const preview = await roboticsPreview('rosbag1', probe.metadata, probe.durationSeconds ?? null, bytes);
    expect(preview.reason).toBeNull();
    const content = preview.content as RoboticsPreview;
    expect(content.topics.map((t) => [t.topic, t.messageCount])).toEqual([
      ['/gps/fix', 10],
      ['/imu', 10],
      ['/camera/compressed', 10],
    ]);
    const altitude = content.series.find((s) => s.name === '/gps/fix altitude');
    expect(altitude?.t).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(altitude?.v).toEqual([300, 301, 302, 303, 304, 305, 306, 307, 308, 309]);
    expect(content.series.find((s) => s.name === '/imu acceleration z')?.v[9]).toBeCloseTo(10.7);
    expect(content.series.find((s) => s.name === '/imu angular velocity x')?.v[0]).toBeCloseTo(0.1);
    expect(content.track?.[9]).toEqual([14.5, 46.059, 9]);
    expect(content.frames).toEqual([{ file: 'frame-1.png', topic: '/camera/compressed', contentType: 'image/png' }]);
    expect(preview.files[0].body.equals(png)).toBe(true);
  });

  it('never throws on truncated or damaged copies', async () => {
    const bytes = sensorBag(png);
    const probe = await probed(bytes);
    await assertPreviewSurvives((b) => roboticsPreview('rosbag1', probe.metadata, 9, b), bytes, { runs: 80, headerBytes: 8192 });
  });
});

for (const name of ['example-bz2.bag', 'example-lz4.bag'])
  describeSample(name, (path) => {
    // The turtlesim recording (21.7 s): /turtle1/pose and /turtle2/pose at about 62 Hz, in one compressed chunk.
    it('decompresses the chunk and plots both turtles over the recording', async () => {
      const bytes = readFileSync(path);
      const probe = await probed(bytes);
      const preview = await roboticsPreview('rosbag1', probe.metadata, probe.durationSeconds ?? null, bytes);
      expect(preview.reason).toBeNull();
      const content = preview.content as RoboticsPreview;
      expect(content.series.map((s) => s.name).sort()).toEqual(
        ['/turtle1/pose', '/turtle2/pose'].flatMap((topic) => [`${topic} heading`, `${topic} x`, `${topic} y`]).sort(),
      );
      for (const s of content.series) {
        expect(s.t.length).toBe(600); // 1,344 poses thinned
        expect(s.t[0]).toBeGreaterThanOrEqual(0);
        expect(s.t.at(-1)).toBeLessThanOrEqual(21.8);
        // turtlesim's world is 11 m square; its headings of 2014 wrap at +-2 pi (fmod), not at pi.
        for (const v of s.v) expect(Math.abs(v)).toBeLessThanOrEqual(s.name.endsWith('heading') ? 2 * Math.PI : 11.1);
      }
    });

    it('never throws on truncated or damaged copies', async () => {
      const bytes = readFileSync(path);
      const probe = await probed(bytes);
      await assertPreviewSurvives((b) => roboticsPreview('rosbag1', probe.metadata, 21.7, b), bytes, { runs: 30, headerBytes: 8192 });
    });
  });
