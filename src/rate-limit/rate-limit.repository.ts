import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface WindowCount {
  hits: number;
  /** Seconds until the current window closes. */
  resetInSeconds: number;
}

@Injectable()
export class RateLimitRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts one hit in the bucket's current fixed window (database clock, so all instances agree) and answers the total. */
  async hit(bucket: string, windowSeconds: number): Promise<WindowCount> {
    const [row] = await this.dataSource.query<{ hits: number; reset_in: number }[]>(
      `WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS start)
       INSERT INTO rate_limit_hits (bucket, window_start, hits) SELECT $1, w.start, 1 FROM w
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
       RETURNING hits, ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now()))::int AS reset_in`,
      [bucket, windowSeconds],
    );
    return { hits: row.hits, resetInSeconds: Math.max(1, row.reset_in) };
  }

  async deleteWindowsBefore(cutoffSeconds: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM rate_limit_hits WHERE window_start < now() - make_interval(secs => $1)`, [cutoffSeconds]);
  }
}
