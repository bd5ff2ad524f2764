import type { Address } from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda } from '@solana-program/token';
import { SolanaLedger } from '../../chain/solana-ledger.port.js';

/** The memo a refund transfer carries; it also finds a refund already sent. */
export const refundMemo = (orderId: string) => `refund:${orderId}`;

/**
 * A refund of this order already on the ledger: a successful transaction touching the payer's USDC account whose
 * memo names the order. Checked before sending, so a retry after a crash between the transfer and its database row
 * does not pay twice (on a cluster, a transfer still in flight can land later: the job's retries back off).
 */
async function refundOnLedger(ledger: SolanaLedger, to: Address, memo: string): Promise<string | null> {
  const [account] = await findAssociatedTokenPda({ owner: to, mint: ledger.usdcMint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
  const recent = await ledger.rpc().getSignaturesForAddress(account, { commitment: 'confirmed', limit: 100 }).send();
  // RPC nodes report memos as "[length] text".
  const found = recent.find((entry) => entry.err === null && entry.memo !== null && entry.memo.endsWith(` ${memo}`));
  return found?.signature ?? null;
}

/** Sends `amount` USDC base units from the treasury to `to` for the order, once; answers the transaction signature. */
export async function sendUsdcRefund(ledger: SolanaLedger, to: Address, amount: bigint, orderId: string): Promise<string> {
  const memo = refundMemo(orderId);
  const earlier = await refundOnLedger(ledger, to, memo);
  if (earlier) return earlier;
  return (await ledger.transferUsdcBatch([{ to, amount }], { memo })).signature;
}
