import { createHash } from 'node:crypto';

/**
 * Which of pg-boss's statements run as named prepared statements, and under what name.
 *
 * An unnamed statement is planned afresh on every run. pg-boss's fetch (the statement every idle worker sends once per
 * polling interval, for every queue) cost about 1.5 ms of planning against well under 0.1 ms of execution, measured with
 * pg_stat_statements on PostgreSQL 15. Prepared, a statement without parameters (most of pg-boss's) is planned once per
 * connection and its plan kept; one with parameters is planned a few times, then PostgreSQL may keep a generic plan.
 *
 * pg-boss writes a queue's name and states into its statements as literals, so each queue has its own texts. A text is
 * prepared once it has been seen `repeatsBeforePrepare` times, so that one carrying a literal that changes from run to
 * run (an id) does not take a name; never one with a semicolon in it (several statements in one text cannot be
 * prepared). At most `maxPrepared` texts are ever prepared, the refused ones below included (each connection keeps
 * their plans for its life); later hot texts run unnamed, as before. A text the server refused to run prepared (its
 * plan went stale after a schema change made by another instance's pg-boss migration: "cached plan must not change
 * result type") is never prepared again.
 */
export class PreparedStatements {
  private readonly seen = new Map<string, number>();
  private readonly names = new Map<string, string>();
  private readonly refused = new Set<string>();

  constructor(
    private readonly options: { repeatsBeforePrepare: number; maxPrepared: number; maxTracked: number } = {
      repeatsBeforePrepare: 3,
      maxPrepared: 200,
      maxTracked: 2_000,
    },
  ) {}

  /** The name to run `text` under, or undefined to run it unnamed. */
  nameFor(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined) return known;
    if (this.refused.has(text) || this.names.size + this.refused.size >= this.options.maxPrepared || text.includes(';')) return undefined;
    const count = (this.seen.get(text) ?? 0) + 1;
    if (count < this.options.repeatsBeforePrepare) {
      // The tally stays bounded: texts that never repeat would otherwise pile up for the process's life.
      if (this.seen.size >= this.options.maxTracked) this.seen.clear();
      this.seen.set(text, count);
      return undefined;
    }
    this.seen.delete(text);
    const name = `pgboss_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    this.names.set(text, name);
    return name;
  }

  /** The server refused to run `text` prepared: it runs unnamed from now on. */
  refuse(text: string): void {
    this.names.delete(text);
    this.refused.add(text);
  }

  /** How many texts run prepared. */
  get size(): number {
    return this.names.size;
  }
}

/**
 * SQLSTATEs of a prepared statement that cannot run any more on a connection where it was prepared: 0A000 ("cached plan
 * must not change result type", after the table it reads changed shape) and 26000 (the server no longer has it).
 */
export const STALE_PREPARED_STATEMENT_CODES: ReadonlySet<string> = new Set(['0A000', '26000']);
