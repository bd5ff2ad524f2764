import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/database/embedded-postgres.js';

/**
 * The embedded database is one PGlite session shared by every pooled connection, so the server in front of it must
 * run each connection's protocol units (Parse..Sync, a simple Query) whole, and a transaction's statements with no
 * other connection's in between. Large parameters arrive over several socket reads, which is where splitting showed
 * up as `portal "" does not exist`.
 */
describe('embedded PostgreSQL server (e2e)', () => {
  let db: EmbeddedPostgres;
  let pool: pg.Pool;
  // Errors that arrive on an idle pooled connection (the answer to some other connection's query landing on it).
  const idleErrors: string[] = [];

  beforeAll(async () => {
    db = await startEmbeddedPostgres({ maxConnections: 9 });
    // Timeouts so that a server which has lost track of a connection fails the test with its errors instead of hanging.
    pool = new pg.Pool({ connectionString: db.url, max: 8, query_timeout: 20_000, connectionTimeoutMillis: 20_000 });
    pool.on('error', (error) => idleErrors.push(error.message));
    await pool.query('CREATE TABLE rows_under_test (id int PRIMARY KEY, body text NOT NULL)');
    // Starting PGlite takes seconds alone, minutes beside other suites on a busy machine.
  }, 300_000);
  afterAll(async () => {
    await pool.end();
    await db.close();
  });

  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  // Unique per task, so an answer meant for another connection cannot pass for this one.
  const payload = (id: number, bytes: number) => `${id}:${randomBytes(bytes / 2).toString('hex')}`;

  it('keeps concurrent extended-protocol queries and transactions apart', async () => {
    const committed = new Map<number, string>();
    const rolledBack: number[] = [];

    const task = async (id: number) => {
      switch (id % 4) {
        case 0: {
          const body = payload(id, 160_000);
          const { rows } = await pool.query<{ body: string; id: number }>('SELECT $1::text AS body, $2::int AS id', [body, id]);
          expect(rows[0].id).toBe(id);
          expect(rows[0].body === body).toBe(true);
          return;
        }
        case 1: {
          const { rows } = await pool.query<{ doubled: number }>('SELECT $1::int * 2 AS doubled', [id]);
          expect(rows[0].doubled).toBe(id * 2);
          return;
        }
        default: {
          const commit = id % 4 === 2;
          const body = payload(id, 100_000);
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query('INSERT INTO rows_under_test (id, body) VALUES ($1, $2)', [id, body]);
            const { rows } = await client.query<{ digest: string }>('SELECT md5(body) AS digest FROM rows_under_test WHERE id = $1', [id]);
            expect(rows[0].digest).toBe(createHash('md5').update(body).digest('hex'));
            await client.query(commit ? 'COMMIT' : 'ROLLBACK');
          } finally {
            client.release();
          }
          if (commit) committed.set(id, sha(body));
          else rolledBack.push(id);
        }
      }
    };

    // 160 tasks, 16 in flight on a pool of 8: every connection always busy and a few tasks waiting, but none waiting
    // behind hundreds of others (the pool's connection timeout counts that wait, which a busy machine stretches). Each
    // large parameter (100-160 kB) spans several 64 kB socket reads; more or larger ones only cost PGlite more CPU
    // (400 tasks of 200-300 kB took 14 CPU seconds, a tenth of PostgreSQL's whole share of a run).
    const ids = Array.from({ length: 160 }, (_, id) => id);
    const errors: string[] = [];
    const runner = async () => {
      for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
        await task(id).catch((error: unknown) => errors.push(error instanceof Error ? error.message : String(error)));
      }
    };
    await Promise.all(Array.from({ length: 16 }, runner));
    expect(errors).toEqual([]);
    expect(idleErrors).toEqual([]);

    const { rows } = await pool.query<{ id: number; body: string }>('SELECT id, body FROM rows_under_test');
    const stored = new Map(rows.map((row) => [row.id, sha(row.body)]));
    expect(stored).toEqual(committed);
    expect(rolledBack.filter((id) => stored.has(id))).toEqual([]);
    expect(rolledBack.length).toBe(40);
  }, 300_000);

  it('rolls back the transaction of a connection that goes away, and lets the others go on', async () => {
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined); // its own dropped socket
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO rows_under_test (id, body) VALUES (100000, $1)', ['orphan']);
    const waiting = pool.query('SELECT count(*)::int AS n FROM rows_under_test WHERE id = 100000');
    // The other connection waits for the transaction; dropping the socket must end it, not leave it open.
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await expect(waiting).resolves.toMatchObject({ rows: [{ n: 0 }] });
    await client.end().catch(() => undefined);
  });

  it('refuses connections past the maximum with a PostgreSQL error', async () => {
    const extra = Array.from({ length: 2 }, () => new pg.Client({ connectionString: db.url }));
    const held = await Promise.all(Array.from({ length: 8 }, () => pool.connect()));
    try {
      const outcomes = await Promise.allSettled(extra.map((client) => client.connect()));
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      expect(refused?.reason).toMatchObject({ code: '53300' });
    } finally {
      held.forEach((client) => {
        client.release();
      });
      await Promise.all(extra.map((client) => client.end().catch(() => undefined)));
    }
  });

  describe('sign-in', () => {
    const withCredentials = (user: string, password: string) => {
      const url = new URL(db.url);
      url.username = user;
      url.password = password;
      return url.toString();
    };

    it('takes user postgres with the server password (SCRAM-SHA-256), and refuses a wrong password or another user', async () => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await expect(client.query<{ ok: number }>('SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
      await client.end();
      const password = decodeURIComponent(new URL(db.url).password);
      expect(password.length).toBeGreaterThanOrEqual(32);
      for (const [user, secret] of [
        ['postgres', 'not-the-password'],
        ['postgres', `${password}x`],
        ['someone', password],
      ]) {
        const stranger = new pg.Client({ connectionString: withCredentials(user, secret) });
        await expect(stranger.connect()).rejects.toMatchObject({ code: '28P01', message: `password authentication failed for user "${user}"` });
      }
    });

    it('runs nothing for a client that skips the password exchange', async () => {
      const [host, port] = new URL(db.url).host.split(':');
      const socket = connect(Number(port), host);
      const answers: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => {
        answers.push(chunk);
      });
      const closed = new Promise<void>((resolve) =>
        socket.once('close', () => {
          resolve();
        }),
      );
      const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
      const startup = Buffer.alloc(8);
      startup.writeInt32BE(8 + params.length, 0);
      startup.writeInt32BE(196608, 4);
      const query = Buffer.from('SELECT 1\0');
      const header = Buffer.alloc(5);
      header.write('Q');
      header.writeInt32BE(4 + query.length, 1);
      socket.write(Buffer.concat([startup, params, header, query]));
      await closed;
      const reply = Buffer.concat(answers);
      // AuthenticationSASL offering SCRAM-SHA-256, then a FATAL protocol error: no AuthenticationOk, no row.
      expect(reply.subarray(0, 1).toString()).toBe('R');
      expect(reply.readInt32BE(5)).toBe(10);
      expect(reply.toString('latin1')).toContain('SCRAM-SHA-256');
      expect(reply.toString('latin1')).toContain('C08P01');
      expect(reply.includes(Buffer.from('R\0\0\0\x08\0\0\0\0', 'latin1'))).toBe(false); // AuthenticationOk
      expect(reply.includes(Buffer.from('Z\0\0\0\x05', 'latin1'))).toBe(false); // ReadyForQuery
    });
  });

  it('answers an SSL request with N, as a server without TLS does', async () => {
    const [host, port] = new URL(db.url).host.split(':');
    const socket = connect(Number(port), host);
    const request = Buffer.alloc(8);
    request.writeInt32BE(8, 0);
    request.writeInt32BE(80877103, 4);
    socket.write(request);
    const answer = await new Promise<Buffer>((resolve, reject) => socket.once('data', resolve).once('error', reject));
    socket.destroy();
    expect(answer.toString()).toBe('N');
  });
});
