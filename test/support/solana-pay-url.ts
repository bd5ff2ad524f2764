import type { Address } from '@solana/kit';
import { encodeURL, parseURL } from '@solana/pay';

/** A Solana Pay request with some fields changed, as a wallet that pays the wrong thing (or the wrong amount) would send it. */
export function alteredUrl(url: string, change: Partial<{ amount: number; recipient: Address; splToken: Address }>): string {
  const fields = parseURL(url);
  if (!('recipient' in fields) || fields.amount === undefined) throw new Error('not a transfer request');
  return encodeURL({
    recipient: fields.recipient,
    amount: fields.amount,
    splToken: fields.splToken,
    reference: fields.reference,
    memo: fields.memo,
    ...change,
  }).toString();
}
