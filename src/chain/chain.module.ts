import { join } from 'node:path';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { type Address, address, createKeyPairSignerFromBytes } from '@solana/kit';
import type { AppConfig } from '../config/app-config.js';
import { resolveTreasurySecretKey } from '../config/load-config.js';
import { ChainMemosController } from './controllers/chain-memos.controller.js';
import { DevSolanaController } from './controllers/dev-solana.controller.js';
import { LiteSvmLedger } from './litesvm.ledger.js';
import { RpcSolanaLedger } from './rpc.ledger.js';
import { ChainMemoService } from './services/chain-memo.service.js';
import { DevWalletService } from './services/dev-wallet.service.js';
import { SolanaLedger } from './solana-ledger.port.js';

/** What the chain module needs from the configuration (SOLANA_RPC_URL, SOLANA_USDC_MINT, TREASURY_SECRET_KEY, DATA_DIR). */
export interface ChainSettings {
  dataDir: string;
  solanaRpcUrl?: string;
  solanaWsUrl?: string;
  usdcMint?: Address;
  /** SOLANA_LANDING_WINDOW_SECONDS. */
  landingWindowSeconds?: number;
  /** The treasury's 64-byte secret key (as in a Solana CLI key file). */
  treasurySecretKey?: Uint8Array;
}

/** The chain settings of a validated configuration; reads TREASURY_KEY_FILE when that is how the key is given. */
export function chainSettings(config: AppConfig): ChainSettings {
  return {
    dataDir: config.DATA_DIR,
    solanaRpcUrl: config.SOLANA_RPC_URL,
    solanaWsUrl: config.SOLANA_WS_URL,
    usdcMint: config.SOLANA_USDC_MINT === undefined ? undefined : address(config.SOLANA_USDC_MINT),
    landingWindowSeconds: config.SOLANA_LANDING_WINDOW_SECONDS,
    treasurySecretKey: resolveTreasurySecretKey(config),
  };
}

/**
 * Provides `SolanaLedger`: RpcSolanaLedger when SOLANA_RPC_URL is set (then the USDC mint and treasury key are
 * required), else the embedded LiteSvmLedger under DATA_DIR/chain, which is also provided by its class. Routes:
 * `GET /v1/chain/memos/:signature` (memo read-back for verifiers) and the dev-only `POST /v1/dev/solana/pay`,
 * which answers 404 unless the embedded ledger is in use.
 */
@Module({})
export class ChainModule {
  static forRoot(settings: ChainSettings): DynamicModule {
    const shared = { module: ChainModule, global: true, controllers: [ChainMemosController, DevSolanaController] };
    const services: Provider[] = [ChainMemoService, DevWalletService];
    if (settings.solanaRpcUrl) {
      const { solanaRpcUrl, solanaWsUrl, usdcMint, treasurySecretKey, landingWindowSeconds } = settings;
      if (!usdcMint || !treasurySecretKey) throw new Error('SOLANA_RPC_URL needs SOLANA_USDC_MINT and the treasury secret key');
      return {
        ...shared,
        providers: [
          {
            provide: SolanaLedger,
            useFactory: async () =>
              new RpcSolanaLedger({
                rpcUrl: solanaRpcUrl,
                wsUrl: solanaWsUrl,
                usdcMint,
                landingWindowSeconds,
                treasury: await createKeyPairSignerFromBytes(treasurySecretKey),
              }),
          },
          ...services,
        ],
        exports: [SolanaLedger],
      };
    }
    return {
      ...shared,
      providers: [
        { provide: LiteSvmLedger, useFactory: () => LiteSvmLedger.open({ statePath: join(settings.dataDir, 'chain', 'litesvm-ledger.bin') }) },
        { provide: SolanaLedger, useExisting: LiteSvmLedger },
        ...services,
      ],
      exports: [SolanaLedger, LiteSvmLedger],
    };
  }
}
