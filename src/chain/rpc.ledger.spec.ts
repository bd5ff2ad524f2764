import { websocketUrlFor } from './rpc.ledger.js';

describe('websocketUrlFor', () => {
  it('uses the next port for a local validator and the same host for a provider', () => {
    expect(websocketUrlFor('http://127.0.0.1:8899')).toBe('ws://127.0.0.1:8900/');
    expect(websocketUrlFor('https://api.devnet.solana.com')).toBe('wss://api.devnet.solana.com/');
    expect(websocketUrlFor('https://rpc.example.com/key/abc')).toBe('wss://rpc.example.com/key/abc');
  });
});
