import { join } from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { type Address, createKeyPairSignerFromBytes } from '@solana/kit';
import { LiteSvmLedger } from './litesvm.ledger.js';
import { RpcSolanaLedger } from './rpc.ledger.js';
import { SolanaLedger } from './solana-ledger.port.js';

/** What the chain module needs from the configuration (SOLANA_RPC_URL, SOLANA_USDC_MINT, TREASURY_SECRET_KEY, DATA_DIR). */
export interface ChainSettings {
  dataDir: string;
  solanaRpcUrl?: string;
  solanaWsUrl?: string;
  usdcMint?: Address;
  /** The treasury's 64-byte secret key (as in a Solana CLI key file). */
  treasurySecretKey?: Uint8Array;
}

/**
 * Provides `SolanaLedger`: RpcSolanaLedger when SOLANA_RPC_URL is set (then the USDC mint and treasury key are
 * required), else the embedded LiteSvmLedger under DATA_DIR/chain, which is also provided by its class for the
 * dev-only payment route.
 */
@Module({})
export class ChainModule {
  static forRoot(settings: ChainSettings): DynamicModule {
    if (settings.solanaRpcUrl) {
      const { solanaRpcUrl, solanaWsUrl, usdcMint, treasurySecretKey } = settings;
      if (!usdcMint || !treasurySecretKey) throw new Error('SOLANA_RPC_URL needs SOLANA_USDC_MINT and the treasury secret key');
      return {
        module: ChainModule,
        global: true,
        providers: [
          {
            provide: SolanaLedger,
            useFactory: async () =>
              new RpcSolanaLedger({
                rpcUrl: solanaRpcUrl,
                wsUrl: solanaWsUrl,
                usdcMint,
                treasury: await createKeyPairSignerFromBytes(treasurySecretKey),
              }),
          },
        ],
        exports: [SolanaLedger],
      };
    }
    return {
      module: ChainModule,
      global: true,
      providers: [
        { provide: LiteSvmLedger, useFactory: () => LiteSvmLedger.open({ statePath: join(settings.dataDir, 'chain', 'litesvm-ledger.bin') }) },
        { provide: SolanaLedger, useExisting: LiteSvmLedger },
      ],
      exports: [SolanaLedger, LiteSvmLedger],
    };
  }
}
