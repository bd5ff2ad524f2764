import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { ScramError, ScramServerExchange, type ScramVerifier, scramVerifier } from './scram-sha256.js';

/**
 * Serves one PGlite database to several PostgreSQL wire-protocol clients (the `pg` pool) on a loopback port.
 *
 * PGlite is a single backend session, so every connection's messages run in that one session. That is only safe if
 * a connection's protocol units run whole: an extended-protocol query (Parse, Bind, Describe, Execute ... Sync) keeps
 * its statement and portal in unnamed slots that the next Parse/Bind overwrites, and a transaction block belongs to
 * the session, not to a connection. So the session is handed to one connection at a time, and taken back only once
 * that connection has reached the end of a unit (Sync, simple Query, FunctionCall) with no transaction block open.
 *
 * @electric-sql/pglite-socket's server (which this replaces) runs each message as its own queue item and keeps the
 * session for a connection only while `isInTransaction()`, so an extended query whose messages arrive in two socket
 * reads (a large Bind, TCP segmentation) could have another connection's Parse/Bind run in the middle of it.
 *
 * Anyone on the host can reach a loopback port, so a client must sign in as `postgres` with the server's password,
 * checked with SCRAM-SHA-256 (as PostgreSQL does; `pg` and psql speak it) before PGlite sees its startup packet.
 */
export class PgliteWireServer {
  private readonly session = new SessionLock();
  /** Kept until their clean-up is done, so close() can wait for it; the ones still open count against the maximum. */
  private readonly connections = new Set<Connection>();
  /** Sockets turned away, closing themselves once answered. */
  private readonly refused = new Set<Socket>();
  private server?: Server;

  private readonly verifier: ScramVerifier;

  constructor(
    private readonly db: PGlite,
    private readonly maxConnections: number,
    password: string,
  ) {
    this.verifier = scramVerifier(password);
  }

  /** Listens on a free loopback port and resolves to its "host:port". */
  async listen(): Promise<string> {
    const server = createServer((socket) => {
      this.accept(socket);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Stops listening, drops every connection and waits for their running units and clean-up, so the database can close. */
  async close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (this.server) {
        this.server.close(() => {
          resolve();
        });
      } else resolve();
    });
    this.refused.forEach((socket) => {
      socket.destroy();
    });
    await Promise.all([...this.connections].map((connection) => connection.close()));
    await stopped;
  }

  private accept(socket: Socket): void {
    if ([...this.connections].filter((connection) => connection.open).length >= this.maxConnections) {
      // As PostgreSQL does: read the startup packet, answer it with the error, and close without waiting for the
      // client to hang up (server.close() would wait for it).
      this.refused.add(socket);
      socket.on('close', () => this.refused.delete(socket));
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end(errorResponse('53300', 'sorry, too many clients already'), () => socket.destroy()));
      return;
    }
    const connection = new Connection(socket, this.db, this.session, this.verifier, () => this.connections.delete(connection));
    this.connections.add(connection);
  }
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** After these the client may wait for answers, so what it has sent so far must run now. */
const RUN_NOW = new Set(['S', 'Q', 'F', 'H']);
/** After these nothing of the connection's is left half-done in the session (Flush, 'H', is mid-unit). */
const UNIT_END = new Set(['S', 'Q', 'F']);
const SYNC = message('S', Buffer.alloc(0));
const ROLLBACK = message('Q', Buffer.from('ROLLBACK\0'));
/** The one role PGlite has; its password is the server's. */
const USER = 'postgres';
const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** PostgreSQL's own limit for a startup packet; SCRAM messages are far smaller. */
const MAX_SIGN_IN_FRAME_BYTES = 10_000;

class Connection {
  private readonly received: Buffer[] = [];
  private receivedBytes = 0;
  /** Bytes the next frame needs before it can be cut: a header, or a whole message whose header has been read. */
  private needed = 4;
  /** startup: length-prefixed packets; auth: the SCRAM exchange; then PGlite's protocol. */
  private phase: 'startup' | 'auth' | 'ready' = 'startup';
  private user = '';
  private startupPacket: Buffer = Buffer.alloc(0);
  private scram?: ScramServerExchange;
  /** Messages of the unit being gathered, up to the next message in RUN_NOW. */
  private unit: Buffer[] = [];
  /** The connection's units, run one after another in arrival order. */
  private work: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly db: PGlite,
    private readonly session: SessionLock,
    private readonly verifier: ScramVerifier,
    private readonly onDone: () => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.receive(chunk);
    });
    socket.on('error', () => undefined); // e.g. ECONNRESET; 'close' follows and does the clean-up
    socket.on('close', () => {
      this.finish();
    });
  }

  get open(): boolean {
    return !this.closed;
  }

  close(): Promise<void> {
    this.socket.destroy();
    this.finish();
    return this.work;
  }

  /** Cuts the byte stream into frames: the length-prefixed startup packets first, then 1-byte type + int32 length. */
  private receive(chunk: Buffer): void {
    this.received.push(chunk);
    this.receivedBytes += chunk.length;
    if (this.receivedBytes < this.needed) return; // e.g. the rest of a large Bind is still on its way
    const data = Buffer.concat(this.received, this.receivedBytes);
    let offset = 0;
    while (!this.closed) {
      const typed = this.phase !== 'startup';
      const headerBytes = typed ? 5 : 4;
      if (data.length - offset < headerBytes) {
        this.needed = headerBytes;
        break;
      }
      const frameBytes = typed ? 1 + data.readInt32BE(offset + 1) : data.readInt32BE(offset);
      if (frameBytes < (typed ? 5 : 8) || (this.phase !== 'ready' && frameBytes > MAX_SIGN_IN_FRAME_BYTES)) {
        this.socket.destroy(); // not the PostgreSQL protocol, or a stranger sending more than signing in takes
        return;
      }
      if (data.length - offset < frameBytes) {
        this.needed = frameBytes;
        break;
      }
      const frame = data.subarray(offset, offset + frameBytes);
      offset += frameBytes;
      if (this.phase === 'ready') this.onMessage(frame);
      else if (this.phase === 'auth') this.onAuthMessage(frame);
      else this.onStartupPacket(frame);
    }
    this.received.length = 0;
    this.receivedBytes = data.length - offset;
    if (this.receivedBytes > 0) this.received.push(data.subarray(offset));
  }

  private onStartupPacket(packet: Buffer): void {
    const code = packet.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.socket.write('N'); // no encryption here; the client goes on in plain text on this socket
    } else if (code === CANCEL_REQUEST) {
      this.socket.end(); // a unit runs synchronously to its end inside PGlite, so there is nothing to cancel
    } else if (code >>> 16 === 3) {
      // Kept for PGlite, which answers it (AuthenticationOk, ParameterStatus..., ReadyForQuery) once the client has
      // proved it knows the password.
      this.startupPacket = packet;
      this.user = startupParameters(packet).get('user') ?? '';
      this.phase = 'auth';
      this.socket.write(authentication(10, Buffer.from(`${SCRAM_MECHANISM}\0\0`)));
    } else {
      this.socket.destroy();
    }
  }

  /** SASLInitialResponse, then SASLResponse ('p' both): the SCRAM-SHA-256 exchange. */
  private onAuthMessage(frame: Buffer): void {
    const type = String.fromCharCode(frame[0]);
    if (type === 'X') {
      this.socket.end();
      this.finish();
      return;
    }
    if (type !== 'p') {
      this.refuse('08P01', `expected a password message, got '${type}'`);
      return;
    }
    try {
      if (!this.scram) {
        const body = frame.subarray(5);
        const nameEnd = body.indexOf(0);
        if (nameEnd < 0 || body.toString('utf8', 0, nameEnd) !== SCRAM_MECHANISM) throw new ScramError('unsupported SASL mechanism');
        const length = body.readInt32BE(nameEnd + 1);
        const clientFirst = length < 0 ? '' : body.toString('utf8', nameEnd + 5, nameEnd + 5 + length);
        this.scram = new ScramServerExchange(this.verifier);
        this.socket.write(authentication(11, Buffer.from(this.scram.start(clientFirst))));
        return;
      }
      const serverFinal = this.scram.finish(frame.toString('utf8', 5));
      // PostgreSQL answers an unknown role with the same error as a wrong password, after the same exchange.
      if (this.user !== USER) throw new ScramError('unknown user');
      this.socket.write(authentication(12, Buffer.from(serverFinal)));
      this.phase = 'ready';
      this.schedule(this.startupPacket, true);
    } catch (error) {
      if (!(error instanceof ScramError) && !(error instanceof RangeError)) throw error;
      this.refuse('28P01', `password authentication failed for user "${this.user}"`);
    }
  }

  /** As PostgreSQL does: a FATAL error, then the connection closes. */
  private refuse(code: string, text: string): void {
    this.socket.end(errorResponse(code, text), () => this.socket.destroy());
    this.finish();
  }

  private onMessage(frame: Buffer): void {
    const type = String.fromCharCode(frame[0]);
    if (type === 'X') {
      this.socket.end(); // Terminate; 'close' then ends whatever the client left open
      this.finish();
      return;
    }
    this.unit.push(frame);
    if (!RUN_NOW.has(type)) return;
    const unit = Buffer.concat(this.unit);
    this.unit = [];
    this.schedule(unit, UNIT_END.has(type));
  }

  private schedule(bytes: Buffer, endsUnit: boolean): void {
    this.work = this.work
      .then(async () => {
        if (this.closed) return;
        await this.session.acquire(this);
        // Closed while waiting: the clean-up queued behind this step gives the session back.
        if (!this.open) return;
        const onRawData = (data: Uint8Array) => {
          // PGlite hands out views of its own memory, reused by the next call: copy before queueing the write.
          if (!this.socket.destroyed) this.socket.write(Buffer.from(data));
        };
        await this.db.runExclusive(() => this.db.execProtocolRawStream(bytes, { onRawData }));
        if (endsUnit && !this.db.isInTransaction()) this.session.release(this);
      })
      .catch(() => {
        this.socket.destroy(); // PGlite itself failed (it reports SQL errors in the protocol, not by throwing)
      });
  }

  /** Once the connection is gone: if it still holds the session (mid-unit or mid-transaction), end both and hand it on. */
  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.unit = [];
    this.work = this.work
      .then(async () => {
        if (!this.session.holds(this)) return;
        // execProtocolRawStream, not execProtocolRaw: the latter reuses the last stream callback, another client's socket.
        const discard = { onRawData: () => undefined };
        try {
          await this.db.runExclusive(async () => {
            await this.db.execProtocolRawStream(SYNC, discard);
            if (this.db.isInTransaction()) await this.db.execProtocolRawStream(ROLLBACK, discard);
          });
        } finally {
          this.session.release(this);
        }
      })
      .catch(() => undefined) // only PGlite itself failing gets here, and the connection is gone already
      .then(this.onDone);
  }
}

/** Which connection the PGlite session belongs to; the others wait, first come, first served. */
class SessionLock {
  private owner: Connection | null = null;
  private readonly waiting: { connection: Connection; resume: () => void }[] = [];

  holds(connection: Connection): boolean {
    return this.owner === connection;
  }

  async acquire(connection: Connection): Promise<void> {
    if (this.owner === connection) return;
    if (this.owner === null) {
      this.owner = connection;
      return;
    }
    await new Promise<void>((resume) => this.waiting.push({ connection, resume }));
  }

  release(connection: Connection): void {
    if (this.owner !== connection) return;
    const next = this.waiting.shift();
    this.owner = next?.connection ?? null;
    next?.resume();
  }
}

/** The startup packet's parameters (user, database, ...): NUL-terminated name/value pairs after length and version. */
function startupParameters(packet: Buffer): Map<string, string> {
  const parts = packet.toString('utf8', 8).split('\0');
  const parameters = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) parameters.set(parts[i], parts[i + 1]);
  return parameters;
}

/** An Authentication message: 10 SASL (mechanisms), 11 SASLContinue, 12 SASLFinal. */
function authentication(kind: number, data: Buffer): Buffer {
  const code = Buffer.alloc(4);
  code.writeInt32BE(kind);
  return message('R', Buffer.concat([code, data]));
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type);
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

/** A FATAL ErrorResponse, which `pg` reports as an error with this SQLSTATE code. */
function errorResponse(code: string, text: string): Buffer {
  return message('E', Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0\0`));
}
