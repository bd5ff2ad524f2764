import { clusterName, websocketUrlFor } from './rpc.ledger.js';

describe('websocketUrlFor', () => {
  it('uses the next port for a local validator and the same host for a provider', () => {
    expect(websocketUrlFor('http://127.0.0.1:8899')).toBe('ws://127.0.0.1:8900/');
    expect(websocketUrlFor('https://api.devnet.solana.com')).toBe('wss://api.devnet.solana.com/');
    expect(websocketUrlFor('https://rpc.example.com/key/abc')).toBe('wss://rpc.example.com/key/abc');
  });
});

describe('clusterName', () => {
  it('names public clusters and a local validator, and keeps only the host of a provider URL (no API key)', () => {
    expect(clusterName('https://api.mainnet-beta.solana.com')).toBe('mainnet-beta');
    expect(clusterName('https://api.devnet.solana.com/')).toBe('devnet');
    expect(clusterName('http://127.0.0.1:8899')).toBe('localnet');
    expect(clusterName('https://user:pw@mainnet.helius-rpc.com/v2/secret-key?api-key=secret')).toBe('mainnet.helius-rpc.com');
  });
});
