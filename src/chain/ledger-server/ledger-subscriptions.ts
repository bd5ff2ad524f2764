import type { Address } from '@solana/kit';
import { isAddress, isSignature } from '@solana/kit';
import type { WebSocket } from 'ws';
import type { LiteSvmChain } from '../litesvm-chain.js';
import { JSON_RPC, type JsonRpcResponse, type RecordedTransaction, RpcMethodError } from '../litesvm-rpc.js';
import { stringifyJsonWithBigInts } from './json-with-bigints.js';

type Subscription =
  | { kind: 'slot' | 'root' }
  | { kind: 'signature'; signature: string }
  | { kind: 'account'; address: Address; encoding: string }
  | { kind: 'logs'; mentions: Address | null };

const UNSUBSCRIBE: Record<string, Subscription['kind']> = {
  slotUnsubscribe: 'slot',
  rootUnsubscribe: 'root',
  signatureUnsubscribe: 'signature',
  accountUnsubscribe: 'account',
  logsUnsubscribe: 'logs',
};

/**
 * The websocket side of the ledger server: a validator's PubSub JSON-RPC subscriptions (slotSubscribe,
 * rootSubscribe, signatureSubscribe, accountSubscribe, logsSubscribe and their unsubscribes), with the
 * notification shapes @solana/kit's subscriptions parse. @solana/kit's sendAndConfirmTransactionFactory waits on
 * signatureNotifications and slotNotifications (to see a blockhash expire). Everything that lands is final, so
 * every commitment level is notified at once; a signature that had already landed is notified at the next slot.
 */
export class LedgerSubscriptions {
  private nextId = 1;
  private readonly sockets = new Map<WebSocket, Map<number, Subscription>>();
  private readonly detach: (() => void)[];

  constructor(private readonly chain: LiteSvmChain) {
    this.detach = [
      chain.onSlot((slot, parent) => {
        this.notify('slot', () => ({ parent, root: slot, slot }), 'slotNotification');
        this.notify('root', () => slot, 'rootNotification');
        this.notifyLandedSignatures();
      }),
      chain.onTransaction((tx) => {
        this.transactionLanded(tx);
      }),
    ];
  }

  attach(socket: WebSocket): void {
    const subscriptions = new Map<number, Subscription>();
    this.sockets.set(socket, subscriptions);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data, isBinary) => {
      let request: unknown;
      try {
        request = JSON.parse(isBinary ? '' : (data as Buffer).toString('utf8'));
      } catch {
        this.send(socket, { jsonrpc: '2.0', id: null, error: { code: JSON_RPC.PARSE_ERROR, message: 'Parse error' } });
        return;
      }
      this.send(socket, this.answer(subscriptions, request));
    });
  }

  close(): void {
    for (const detach of this.detach) detach();
    for (const socket of this.sockets.keys()) socket.terminate();
    this.sockets.clear();
  }

  private answer(subscriptions: Map<number, Subscription>, request: unknown): JsonRpcResponse {
    const { id = null, method, params = [] } = (request ?? {}) as { id?: unknown; method?: unknown; params?: unknown };
    const fail = (error: RpcMethodError): JsonRpcResponse => ({ jsonrpc: '2.0', id, error: { code: error.code, message: error.message } });
    if (typeof method !== 'string' || !Array.isArray(params)) return fail(new RpcMethodError(JSON_RPC.INVALID_REQUEST, 'Invalid request'));
    const unsubscribeKind = Object.hasOwn(UNSUBSCRIBE, method) ? UNSUBSCRIBE[method] : undefined;
    if (unsubscribeKind) {
      const [subscriptionId] = params as unknown[];
      const found = typeof subscriptionId === 'number' && subscriptions.get(subscriptionId)?.kind === unsubscribeKind;
      if (found) subscriptions.delete(subscriptionId);
      return found ? { jsonrpc: '2.0', id, result: true } : fail(new RpcMethodError(JSON_RPC.INVALID_PARAMS, 'Invalid subscription id.'));
    }
    let subscription: Subscription;
    try {
      subscription = this.subscription(method, params as unknown[]);
    } catch (error) {
      if (error instanceof RpcMethodError) return fail(error);
      throw error;
    }
    const subscriptionId = this.nextId++;
    subscriptions.set(subscriptionId, subscription);
    return { jsonrpc: '2.0', id, result: subscriptionId };
  }

  private subscription(method: string, params: unknown[]): Subscription {
    const config = (params[1] ?? {}) as { encoding?: string };
    switch (method) {
      case 'slotSubscribe':
        return { kind: 'slot' };
      case 'rootSubscribe':
        return { kind: 'root' };
      case 'signatureSubscribe': {
        const [signature] = params;
        if (typeof signature !== 'string' || !isSignature(signature)) throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, 'Invalid param: Invalid');
        return { kind: 'signature', signature };
      }
      case 'accountSubscribe': {
        const [address] = params;
        if (typeof address !== 'string' || !isAddress(address)) throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, 'Invalid param: Invalid');
        return { kind: 'account', address, encoding: config.encoding ?? 'base58' };
      }
      case 'logsSubscribe': {
        const [filter] = params;
        if (filter === 'all' || filter === 'allWithVotes') return { kind: 'logs', mentions: null };
        const mentions = (filter as { mentions?: unknown } | null)?.mentions;
        if (Array.isArray(mentions) && mentions.length === 1 && typeof mentions[0] === 'string' && isAddress(mentions[0])) {
          return { kind: 'logs', mentions: mentions[0] };
        }
        throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, 'Invalid Request: Only 1 address supported');
      }
      default:
        throw new RpcMethodError(JSON_RPC.METHOD_NOT_FOUND, 'Method not found');
    }
  }

  private transactionLanded(tx: RecordedTransaction): void {
    const context = { slot: tx.slot };
    for (const [socket, subscriptions] of this.sockets) {
      for (const [id, subscription] of subscriptions) {
        if (subscription.kind === 'signature' && subscription.signature === tx.signature) {
          subscriptions.delete(id);
          this.push(socket, 'signatureNotification', id, { context, value: { err: tx.err } });
        } else if (subscription.kind === 'account' && tx.accountKeys.includes(subscription.address)) {
          const { value } = this.chain.rpcMethods.getAccountInfo([subscription.address, { encoding: subscription.encoding }]) as { value: unknown };
          this.push(socket, 'accountNotification', id, { context, value });
        } else if (subscription.kind === 'logs' && (subscription.mentions === null || tx.accountKeys.includes(subscription.mentions))) {
          this.push(socket, 'logsNotification', id, { context, value: { signature: tx.signature, err: tx.err, logs: tx.logMessages } });
        }
      }
    }
  }

  /**
   * As a validator checks its status cache for every signature subscription when a slot is confirmed, a signature
   * that had already landed when it was subscribed to is notified at the next slot.
   */
  private notifyLandedSignatures(): void {
    for (const [socket, subscriptions] of this.sockets) {
      for (const [id, subscription] of subscriptions) {
        if (subscription.kind !== 'signature') continue;
        const { value } = this.chain.rpcMethods.getSignatureStatuses([[subscription.signature]]) as {
          value: ({ err: unknown; slot: bigint } | null)[];
        };
        const status = value[0];
        if (!status) continue;
        subscriptions.delete(id);
        this.push(socket, 'signatureNotification', id, { context: { slot: status.slot }, value: { err: status.err } });
      }
    }
  }

  private notify(kind: 'slot' | 'root', result: () => unknown, method: string): void {
    for (const [socket, subscriptions] of this.sockets) {
      for (const [id, subscription] of subscriptions) if (subscription.kind === kind) this.push(socket, method, id, result());
    }
  }

  private push(socket: WebSocket, method: string, subscription: number, result: unknown): void {
    this.send(socket, { jsonrpc: '2.0', method, params: { result, subscription } });
  }

  private send(socket: WebSocket, message: unknown): void {
    if (socket.readyState === socket.OPEN) socket.send(stringifyJsonWithBigInts(message));
  }
}
