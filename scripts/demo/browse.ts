/**
 * What `npm run demo -- --keep` prints at the end: the command that starts the marketplace on the kept DATA_DIR, the
 * pages to open and the accounts to sign in with. test/demo.e2e-spec.ts runs the printed command and follows it.
 */
import type { DemoSummary } from './story.js';

/**
 * Settings of the demo's service that a plain start must repeat because the kept data lives behind them. The rest it
 * set is left out on purpose: PUBLIC_URL followed the demo's throwaway port (a plain start derives its links from
 * PORT), the first admin already exists, the JWT secret and the embedded ledger are kept in DATA_DIR, and the Stripe
 * stand-in stopped with the demo, so without STRIPE_* the pages offer USDC only.
 */
const CARRIED = ['DATABASE_URL', 'S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_FORCE_PATH_STYLE', 'SOLANA_RPC_URL', 'SOLANA_USDC_MINT'];

const DEFAULT_PORT = 3000;

export interface BrowseTarget {
  dataDir: string;
  /** The environment the demo's service ran with. */
  serviceEnv: Record<string, string | undefined>;
  summary: DemoSummary;
  /** The port the plain start listens on; 3000 (the service's default) when unset. */
  port?: number;
}

export interface BrowseInstructions {
  /** One shell line, to run in the project folder. */
  command: string;
  base: string;
  datasetUrl: string;
  orderUrls: { buyer: string; url: string }[];
  lines: string[];
}

/** POSIX shell quoting, only where a value needs it. */
const quote = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`);

export function browseInstructions({ dataDir, serviceEnv, summary, port = DEFAULT_PORT }: BrowseTarget): BrowseInstructions {
  const env: [string, string][] = [['DATA_DIR', dataDir]];
  for (const name of CARRIED) {
    const value = serviceEnv[name];
    if (value) env.push([name, value]);
  }
  if (port !== DEFAULT_PORT) env.push(['PORT', String(port)]);
  const command = `${env.map(([name, value]) => `${name}=${quote(value)}`).join(' ')} npm start`;
  const base = `http://localhost:${port}`;
  const datasetUrl = `${base}/datasets/${summary.datasetId}`;
  const orderUrls = summary.orders.map((order) => ({ buyer: order.buyer, url: `${base}/orders/${order.id}` }));
  const width = Math.max(...summary.accounts.map((a) => a.email.length));
  const lines = [
    '\nBrowse the demo’s data: in this folder, run',
    `  ${command}`,
    `  (npm start builds, then serves on port ${port}${serviceEnv.STRIPE_SECRET_KEY ? '; card checkout stays hidden: the demo’s Stripe stand-in has stopped' : ''})`,
    `then open the dataset page ${datasetUrl}`,
    ...orderUrls.map(({ buyer, url }) => `  and ${buyer}’s order page ${url}`),
    `sign in on ${base}/account (or any page’s sign-in form) as`,
    ...summary.accounts.map((a) => `  ${a.role.padEnd(11)} ${a.email.padEnd(width)}  password ${a.password}`),
  ];
  return { command, base, datasetUrl, orderUrls, lines };
}
