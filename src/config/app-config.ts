import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_RULE } from '../common/password-rule.js';
import { parseTrustProxy, type TrustProxySetting } from './trust-proxy.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);
/**
 * A yes/no variable from its text as given: `obj[key]`, since loadConfig's implicit conversion has already turned any
 * non-empty string into true by the time `value` arrives ("false" and "0" read as true). Any other text is left as it
 * is, for IsBoolean to name the variable.
 */
const toBoolean = ({ key, obj }: { key: string; obj: Record<string, unknown> }): unknown => {
  const raw = obj[key];
  if (typeof raw !== 'string') return raw;
  const word = raw.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : raw;
};

/**
 * The service's configuration, read from environment variables of the same names.
 * Property names are the variable names so that a validation error names the variable to fix.
 */
export class AppConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsString()
  @MinLength(1)
  DATA_DIR: string = './data';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  JWT_SECRET?: string;

  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  JWT_TTL_SECONDS: number = 3600;

  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: `ADMIN_PASSWORD must be ${PASSWORD_RULE} long` })
  @MaxLength(PASSWORD_MAX_LENGTH)
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_URL?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 512kb or 1mb' })
  BODY_LIMIT: string = '1mb';

  @IsInt()
  @Min(1)
  AUTH_RATE_LIMIT: number = 20;

  @IsInt()
  @Min(1)
  AUTH_RATE_WINDOW_SECONDS: number = 60;

  /**
   * Argon2id cost of a password hash: memory in KiB and passes. Defaults are the argon2 library's (64 MiB, 3 passes),
   * above OWASP's floor (19 MiB, 2 passes), below which start-up warns. Raising them re-hashes each password at its next
   * sign-in. The test suite lowers them: it signs up hundreds of accounts and tests the flows, not the hash's strength.
   */
  @IsInt()
  @Min(1024)
  @Max(4_194_304)
  PASSWORD_HASH_MEMORY_KIB: number = 65_536;

  @IsInt()
  @Min(1)
  @Max(20)
  PASSWORD_HASH_TIME_COST: number = 3;

  @IsInt()
  @Min(30)
  @Max(3600)
  WALLET_CHALLENGE_TTL_SECONDS: number = 300;

  /** Which proxies' X-Forwarded-For to believe (see parseTrustProxy); checked in loadConfig. */
  @IsString()
  TRUST_PROXY: string = 'false';

  // Object storage: S3_BUCKET set -> any S3-compatible store; unset -> files under DATA_DIR/objects.
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  S3_ENDPOINT?: string;

  @IsString()
  S3_REGION: string = 'us-east-1';

  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'S3_BUCKET must be a valid bucket name' })
  S3_BUCKET?: string;

  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  @Transform(toBoolean)
  @IsBoolean()
  S3_FORCE_PATH_STYLE: boolean = false;

  /** Lifetime of presigned upload-part URLs. */
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  PRESIGN_TTL_SECONDS: number = 3600;

  /**
   * Lifetime of download URLs handed to buyers. S3's cannot be recalled, so this bounds how long a buyer can still
   * fetch after a refund; the local store's are checked against the licence at every use as well.
   */
  @IsInt()
  @Min(10)
  @Max(24 * 3600)
  DOWNLOAD_URL_TTL_SECONDS: number = 300;

  /** An upload not completed within this many hours is aborted and its parts deleted. */
  @IsInt()
  @Min(1)
  @Max(24 * 90)
  UPLOAD_EXPIRY_HOURS: number = 168;

  /** Jobs of each queue this instance runs at once. 0: it only sends jobs and runs none (an API-only instance). */
  @IsInt()
  @Min(0)
  @Max(64)
  WORKER_CONCURRENCY: number = 2;

  /**
   * On a PostgreSQL server, a working instance LISTENs for new jobs (one connection of its own) and polls only as a
   * backstop. false: it polls every second instead, for a connection pooler in transaction mode (PgBouncer), through
   * which LISTEN hears nothing.
   */
  @Transform(toBoolean)
  @IsBoolean()
  JOBS_LISTEN: boolean = true;

  // Solana: SOLANA_RPC_URL set -> that cluster (then the mint and a treasury key are required); unset -> the
  // embedded LiteSVM ledger under DATA_DIR/chain. Cross-field rules are in loadConfig.
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  SOLANA_RPC_URL?: string;

  /** Websocket endpoint for confirmations; derived from SOLANA_RPC_URL when unset. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['ws', 'wss'], require_protocol: true })
  SOLANA_WS_URL?: string;

  /**
   * How long a transaction sent to SOLANA_RPC_URL may still land after its send failed or was cut off (the instance
   * died): no on-chain record is sent again, nor its job retried, before it. Unset: 180 s, a blockhash lifetime on a
   * cluster. A ledger that lands a transaction as it answers (`npm run ledger`) needs only seconds.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  SOLANA_LANDING_WINDOW_SECONDS?: number;

  @IsOptional()
  @Matches(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, { message: 'SOLANA_USDC_MINT must be a base58 address' })
  SOLANA_USDC_MINT?: string;

  /** The treasury's secret key: a JSON array of 64 bytes (as in a Solana CLI key file) or base58. */
  @IsOptional()
  @IsString()
  TREASURY_SECRET_KEY?: string;

  /** A file holding the treasury's secret key, e.g. one written by `solana-keygen new`. */
  @IsOptional()
  @IsString()
  TREASURY_KEY_FILE?: string;

  /** The platform's share of each sale, in basis points (1500 = 15%). */
  @IsInt()
  @Min(0)
  @Max(10_000)
  PLATFORM_FEE_BPS: number = 1500;

  /** A payout run pays a USDC payable balance from this many base units up (1 USDC = 1,000,000). */
  @IsInt()
  @Min(1)
  PAYOUT_THRESHOLD_USDC_BASE_UNITS: number = 10_000_000;

  /** A payout run pays a USD payable balance (card sales) from this many cents up. */
  @IsInt()
  @Min(1)
  PAYOUT_THRESHOLD_USD_CENTS: number = 1_000;

  /** Minutes between scheduled payout runs (aligned to the epoch, so instances agree); 0 turns the schedule off. */
  @IsInt()
  @Min(0)
  @Max(31 * 24 * 60)
  PAYOUT_INTERVAL_MINUTES: number = 24 * 60;

  /** Minutes an order waits for its payment before it expires (a payment arriving later is still honoured). */
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  ORDER_TTL_MINUTES: number = 30;

  // Card payments: STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET set -> Stripe Checkout; unset -> card orders answer
  // CHECKOUT_CARD_NOT_CONFIGURED (503).
  @IsOptional()
  @IsString()
  @MinLength(8)
  STRIPE_SECRET_KEY?: string;

  @IsOptional()
  @IsString()
  @MinLength(8)
  STRIPE_WEBHOOK_SECRET?: string;

  /** Points the Stripe SDK at another host (stripe-mock, a test server). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  STRIPE_API_URL?: string;

  /**
   * Buyer e-mail (withdrawal notices): `smtp://user:pass@host:587` or `smtps://...:465` sends through that server; unset,
   * each message is written as a .eml file into MAIL_DIR.
   */
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** Sender of the marketplace's e-mail; default `no-reply@<PUBLIC_URL's host>`. */
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(320)
  MAIL_FROM?: string;

  /** Folder the embedded mail transport writes messages to when SMTP_URL is unset; default DATA_DIR/mail. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  MAIL_DIR?: string;

  /** Buyer webhooks may go to loopback addresses (http://127.0.0.1, localhost): for local development and tests only. */
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOKS_ALLOW_LOOPBACK: boolean = false;

  /** Ed25519 key signing licence certificates, base58 (32-byte seed or 64-byte secret key); generated into DATA_DIR when unset. */
  @IsOptional()
  @Matches(/^[1-9A-HJ-NP-Za-km-z]{40,90}$/, { message: 'PLATFORM_SIGNING_KEY must be a base58 Ed25519 seed or secret key' })
  PLATFORM_SIGNING_KEY?: string;

  /** Express's `trust proxy` setting for TRUST_PROXY (validated by loadConfig). */
  get trustProxy(): TrustProxySetting {
    return parseTrustProxy(this.TRUST_PROXY);
  }

  /** Base of the links the API hands out; derived from PORT when PUBLIC_URL is unset. */
  get publicUrl(): string {
    return (this.PUBLIC_URL ?? `http://localhost:${this.PORT}`).replace(/\/+$/, '');
  }
}
