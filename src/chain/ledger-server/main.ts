/**
 * `npm run ledger`: the shared LiteSVM ledger server (LedgerServer), or, with `pay <url>`, a wallet that pays a
 * Solana Pay transfer request from the ledger's demo buyer through a running server.
 *
 *   npm run ledger [-- --data-dir ./data/ledger --host 127.0.0.1 --port 8899 --ws-port 8900 --slot-ms 400]
 *   npm run ledger -- pay '<solana:... url>' [--rpc http://127.0.0.1:8899]
 *
 * Each option may also come from the environment: LEDGER_DATA_DIR, LEDGER_HOST, LEDGER_PORT, LEDGER_WS_PORT,
 * LEDGER_SLOT_MS.
 */
import { parseArgs } from 'node:util';
import { LedgerServer, envLines } from './ledger-server.js';

const USAGE = `usage: npm run ledger [-- --data-dir <dir>] [--host <host>] [--port <port>] [--ws-port <port>] [--slot-ms <ms>]
       npm run ledger -- pay <solana pay url> [--rpc <ledger server url>]`;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, got ${value}\n${USAGE}`);
  return Number(value);
}

async function pay(url: string, rpc: string): Promise<void> {
  const response = await fetch(`${rpc.replace(/\/+$/, '')}/dev/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  const body = (await response.json()) as { signature?: string; error?: string };
  if (!response.ok || !body.signature) throw new Error(`the ledger server refused the payment: ${body.error ?? response.status}`);
  console.log(body.signature);
}

async function serve(values: Record<string, string | undefined>): Promise<void> {
  const env = process.env;
  const server = await LedgerServer.start({
    dataDir: values['data-dir'] ?? env.LEDGER_DATA_DIR ?? 'data/ledger',
    host: values.host ?? env.LEDGER_HOST,
    port: integer('--port', values.port ?? env.LEDGER_PORT),
    wsPort: integer('--ws-port', values['ws-port'] ?? env.LEDGER_WS_PORT),
    slotMs: integer('--slot-ms', values['slot-ms'] ?? env.LEDGER_SLOT_MS),
  });
  const { connection } = server;
  console.log(
    `LiteSVM ledger server (Node.js ${process.version}): JSON-RPC on ${connection.SOLANA_RPC_URL}, subscriptions on ${connection.SOLANA_WS_URL}`,
  );
  console.log(`state in ${server.dataDir} (kept across restarts); USDC mint ${connection.SOLANA_USDC_MINT}; demo buyer ${server.demoBuyerAddress}`);
  console.log(`\nPoint each service instance at it with these settings (also in ${server.dataDir}/ledger.env):\n`);
  process.stdout.write(envLines(connection));
  console.log(`\nPay an order's Solana Pay URL from the demo buyer: npm run ledger -- pay '<url>' --rpc ${connection.SOLANA_RPC_URL}`);
  console.log(`(or POST ${connection.SOLANA_RPC_URL}/dev/pay {"url": "..."}; POST /dev/mint-usdc {"owner", "amount"} mints USDC)`);

  const stop = (signal: string) => {
    console.log(`received ${signal}, stopping the ledger server`);
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.once('SIGINT', () => {
    stop('SIGINT');
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'ws-port': { type: 'string' },
      'slot-ms': { type: 'string' },
      rpc: { type: 'string' },
    },
  });
  if (positionals[0] === 'pay') {
    if (positionals.length !== 2) throw new Error(USAGE);
    await pay(positionals[1], values.rpc ?? `http://127.0.0.1:${process.env.LEDGER_PORT ?? '8899'}`);
    return;
  }
  if (positionals.length > 0) throw new Error(USAGE);
  await serve(values);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
