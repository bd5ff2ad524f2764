import { mkdirSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { isAddress } from '@solana/kit';
import { WebSocketServer } from 'ws';
import { ChainException } from '../chain.exception.js';
import { LiteSvmChain, ledgerRpcError } from '../litesvm-chain.js';
import { JSON_RPC, type JsonRpcResponse, answerJsonRpc } from '../litesvm-rpc.js';
import { stringifyJsonWithBigInts } from './json-with-bigints.js';
import { LedgerSubscriptions } from './ledger-subscriptions.js';

export interface LedgerServerOptions {
  /** Where the ledger keeps its state, the treasury key file and the connection settings; created when missing. */
  dataDir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** HTTP JSON-RPC port; default 8899 (a validator's); 0 picks a free one. */
  port?: number;
  /** Websocket port; default the HTTP port + 1 (where @solana/kit and the service look), or a free one with port 0. */
  wsPort?: number;
  /** Milliseconds per slot; default 400, a validator's target. */
  slotMs?: number;
}

/** The settings that point a service instance at this ledger (the names of the service's configuration). */
export interface LedgerConnection {
  SOLANA_RPC_URL: string;
  SOLANA_WS_URL: string;
  SOLANA_USDC_MINT: string;
  TREASURY_KEY_FILE: string;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_PORT = 8899;
const DEFAULT_SLOT_MS = 400;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The LiteSVM ledger in a process of its own, shared by every service instance that points SOLANA_RPC_URL at it,
 * as they would point it at a cluster: Solana JSON-RPC 2.0 over HTTP (POST /, single or batch requests; the
 * methods of createLedgerRpcMethods), PubSub subscriptions over a websocket (LedgerSubscriptions), `GET /health`,
 * and slots that move every `slotMs` (each with a new blockhash; a blockhash lives 150 slots, so a transaction
 * signed and never sent cannot land after a minute at the default 400 ms).
 *
 * Dev-only routes, for tests, the demo and `npm run chaos` (a real cluster has none of them; the service's own
 * `POST /v1/dev/solana/pay` works on its embedded ledger only):
 * - `POST /dev/pay {url}` pays a Solana Pay transfer-request URL from the funded demo buyer, as a wallet app would,
 *   and answers `{signature}` (400 `{error}` for a request it cannot pay);
 * - `POST /dev/mint-usdc {owner, amount}` mints `amount` USDC base units (a decimal string) to the owner's token
 *   account, e.g. to fund the treasury for payouts; answers `{signature}`.
 */
export class LedgerServer {
  private readonly timer: NodeJS.Timeout;

  private constructor(
    readonly chain: LiteSvmChain,
    readonly connection: LedgerConnection,
    readonly dataDir: string,
    private readonly http: Server,
    private readonly websocket: WebSocketServer,
    private readonly subscriptions: LedgerSubscriptions,
    slotMs: number,
  ) {
    this.timer = setInterval(() => chain.advanceSlot(), slotMs);
  }

  static async start(options: LedgerServerOptions): Promise<LedgerServer> {
    const dataDir = resolve(options.dataDir);
    const host = options.host ?? '127.0.0.1';
    const slotMs = options.slotMs ?? DEFAULT_SLOT_MS;
    if (!Number.isInteger(slotMs) || slotMs < 10) throw new Error(`slotMs must be an integer of 10 or more, got ${slotMs}`);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const chain = await LiteSvmChain.open(join(dataDir, 'ledger.bin'), { slotPerTransaction: false });

    const http = createServer((req, res) => {
      void handle(chain, req, res);
    });
    // Clients (undici's fetch: 4 s) must close idle keep-alive connections before the server does, or a request sent as
    // the server closes one fails with "fetch failed" (seen in a chaos run); validators keep them open a minute too.
    http.keepAliveTimeout = 60_000;
    http.headersTimeout = 65_000;
    const requested = options.port ?? DEFAULT_PORT;
    const port = await listen(http, host, requested);
    const subscriptions = new LedgerSubscriptions(chain);
    let websocket: WebSocketServer;
    try {
      websocket = await openWebsocket(host, options.wsPort ?? (requested === 0 ? 0 : port + 1), subscriptions);
    } catch (error) {
      http.close();
      subscriptions.close();
      throw error;
    }
    const wsPort = (websocket.address() as AddressInfo).port;

    const keyFile = join(dataDir, 'treasury-keypair.json');
    writeFileSync(keyFile, JSON.stringify([...chain.treasurySecretKey]), { mode: 0o600 });
    const connection: LedgerConnection = {
      SOLANA_RPC_URL: `http://${host}:${port}`,
      SOLANA_WS_URL: `ws://${host}:${wsPort}`,
      SOLANA_USDC_MINT: chain.usdcMint,
      TREASURY_KEY_FILE: keyFile,
    };
    writeFileSync(join(dataDir, 'ledger.env'), envLines(connection), { mode: 0o600 });
    return new LedgerServer(chain, connection, dataDir, http, websocket, subscriptions, slotMs);
  }

  get demoBuyerAddress(): string {
    return this.chain.demoBuyer.address;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.subscriptions.close();
    await new Promise<void>((done) => {
      this.websocket.close(() => {
        done();
      });
    });
    this.http.closeAllConnections();
    await new Promise<void>((done) => {
      this.http.close(() => {
        done();
      });
    });
  }
}

/** `NAME=value` lines of the connection, as an env file. */
export function envLines(connection: LedgerConnection): string {
  return Object.entries(connection)
    .map(([name, value]) => `${name}=${value}\n`)
    .join('');
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done((server.address() as AddressInfo).port);
    });
  });
}

function openWebsocket(host: string, port: number, subscriptions: LedgerSubscriptions): Promise<WebSocketServer> {
  return new Promise((done, fail) => {
    const server = new WebSocketServer({ host, port });
    server.once('error', fail);
    server.once('listening', () => {
      server.off('error', fail);
      done(server);
    });
    server.on('connection', (socket) => {
      subscriptions.attach(socket);
    });
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : stringifyJsonWithBigInts(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}

async function handle(chain: LiteSvmChain, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  try {
    if (req.method === 'GET' && path === '/health') {
      reply(res, 200, 'ok');
      return;
    }
    if (req.method !== 'POST') throw new HttpError(405, 'POST JSON-RPC requests to /');
    const text = await readBody(req);
    if (path === '/dev/pay' || path === '/dev/mint-usdc') {
      reply(res, 200, await devRoute(chain, path, text));
      return;
    }
    if (path !== '/') throw new HttpError(404, `no route ${path}`);
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      reply(res, 200, { jsonrpc: '2.0', id: null, error: { code: JSON_RPC.PARSE_ERROR, message: 'Parse error' } });
      return;
    }
    const answer = (one: unknown): JsonRpcResponse => answerJsonRpc(chain.rpcMethods, one, ledgerRpcError);
    if (!Array.isArray(request)) reply(res, 200, answer(request));
    else if (request.length === 0)
      reply(res, 200, { jsonrpc: '2.0', id: null, error: { code: JSON_RPC.INVALID_REQUEST, message: 'Invalid request' } });
    else reply(res, 200, request.map(answer));
  } catch (error) {
    if (error instanceof HttpError) reply(res, error.status, { error: error.message });
    else if (error instanceof ChainException) reply(res, 400, { error: error.message, code: error.code });
    else reply(res, 500, { error: (error as Error).message });
  }
}

async function devRoute(chain: LiteSvmChain, path: string, text: string): Promise<{ signature: string }> {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'the body must be JSON');
  }
  if (path === '/dev/pay') {
    if (typeof body.url !== 'string') throw new HttpError(400, 'url: a Solana Pay transfer-request URL is required');
    return { signature: (await chain.payWithDemoWallet(body.url)).signature };
  }
  const { owner, amount } = body;
  if (typeof owner !== 'string' || !isAddress(owner)) throw new HttpError(400, 'owner: a base58 address is required');
  if (typeof amount !== 'string' || !/^[1-9]\d{0,18}$/.test(amount))
    throw new HttpError(400, 'amount: a positive integer of USDC base units, as a string');
  return { signature: (await chain.mintUsdc(owner, BigInt(amount))).signature };
}
