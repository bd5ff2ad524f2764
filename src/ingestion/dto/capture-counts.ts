import { ApiProperty } from '@nestjs/swagger';
import type { CaptureEntity } from '../entities/capture.entity.js';

/** What a capture holds, counted in its format's units; null where the format has no such count. */
export class CaptureCounts {
  @ApiProperty({ example: null, type: Number, nullable: true, description: 'Points of a point cloud (LAS / LAZ, E57, PCD, PLY without faces)' })
  points: number | null;

  @ApiProperty({ example: null, type: Number, nullable: true, description: 'Vertices of a mesh (PLY with faces, glTF / GLB)' })
  vertices: number | null;

  @ApiProperty({ example: null, type: Number, nullable: true, description: 'Messages of a robotics log (MCAP, ROS bag)' })
  messages: number | null;

  @ApiProperty({ example: null, type: Number, nullable: true, description: 'Data rows of CSV, records of JSON Lines' })
  rows: number | null;

  @ApiProperty({ example: null, type: Number, nullable: true, description: 'Observation epochs of RINEX' })
  epochs: number | null;

  @ApiProperty({ example: 54000, type: Number, nullable: true, description: 'Video frames (MP4 / MOV), subtitle frames (DJI SRT)' })
  frames: number | null;

  @ApiProperty({ example: 1800, type: Number, nullable: true, description: 'Position fixes of a GNSS track (NMEA, GPX)' })
  fixes: number | null;

  static from(capture: CaptureEntity): CaptureCounts {
    return Object.assign(new CaptureCounts(), {
      points: capture.pointCount,
      vertices: capture.vertexCount,
      messages: capture.messageCount,
      rows: capture.rowCount,
      epochs: capture.epochCount,
      frames: capture.frameCount,
      fixes: capture.fixCount,
    });
  }
}
