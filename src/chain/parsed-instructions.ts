import { type Address, type ReadonlyUint8Array, getAddressDecoder, getBase58Decoder } from '@solana/kit';
import { MEMO_PROGRAM_ADDRESS } from '@solana-program/memo';
import { SYSTEM_PROGRAM_ADDRESS } from '@solana-program/system';
import { ASSOCIATED_TOKEN_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS } from './lookup-table.js';

/** A UI token amount as a validator prints it (`tokenAmount`, `uiTokenAmount`). */
export function uiTokenAmount(amount: bigint, decimals: number) {
  const uiAmountString = formatUnits(amount, decimals);
  return { amount: amount.toString(), decimals, uiAmount: Number(uiAmountString), uiAmountString };
}

/** `amount` base units as a decimal string with `decimals` places, trailing zeros dropped (as uiAmountString). */
export function formatUnits(amount: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const whole = amount / scale;
  const fraction = (amount % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

type Parsed = { program: string; parsed: unknown } | null;

/** Little-endian readers over an instruction's data; each throws RangeError past the end, which means "not parseable". */
class Reader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: ReadonlyUint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(): number {
    return this.view.getUint8(this.offset++);
  }

  u32(): number {
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  u64(): bigint {
    const value = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return value;
  }

  address(): Address {
    if (this.offset + 32 > this.bytes.length) throw new RangeError('address past the end');
    const value = getAddressDecoder().decode(this.bytes.slice(this.offset, this.offset + 32));
    this.offset += 32;
    return value;
  }

  done(): boolean {
    return this.offset === this.bytes.length;
  }
}

function system(data: ReadonlyUint8Array, accounts: readonly Address[]): Parsed {
  const reader = new Reader(data);
  const kind = reader.u32();
  if (kind === 0) {
    const lamports = reader.u64();
    const space = reader.u64();
    const owner = reader.address();
    return { program: 'system', parsed: { type: 'createAccount', info: { source: accounts[0], newAccount: accounts[1], lamports, space, owner } } };
  }
  if (kind === 2) {
    return { program: 'system', parsed: { type: 'transfer', info: { source: accounts[0], destination: accounts[1], lamports: reader.u64() } } };
  }
  return null;
}

function token(data: ReadonlyUint8Array, accounts: readonly Address[]): Parsed {
  const reader = new Reader(data);
  const kind = reader.u8();
  const parsed = (type: string, info: Record<string, unknown>) => ({ program: 'spl-token', parsed: { type, info } });
  switch (kind) {
    case 3:
      return parsed('transfer', { source: accounts[0], destination: accounts[1], authority: accounts[2], amount: reader.u64().toString() });
    case 12: {
      const amount = reader.u64();
      const decimals = reader.u8();
      return parsed('transferChecked', {
        source: accounts[0],
        mint: accounts[1],
        destination: accounts[2],
        authority: accounts[3],
        tokenAmount: uiTokenAmount(amount, decimals),
      });
    }
    case 14: {
      const amount = reader.u64();
      const decimals = reader.u8();
      return parsed('mintToChecked', {
        mint: accounts[0],
        account: accounts[1],
        mintAuthority: accounts[2],
        tokenAmount: uiTokenAmount(amount, decimals),
      });
    }
    case 20: {
      const decimals = reader.u8();
      const mintAuthority = reader.address();
      const freezeAuthority = reader.u8() === 1 ? reader.address() : undefined;
      return parsed('initializeMint2', { mint: accounts[0], decimals, mintAuthority, ...(freezeAuthority ? { freezeAuthority } : {}) });
    }
    default:
      return null;
  }
}

function associatedToken(data: ReadonlyUint8Array, accounts: readonly Address[]): Parsed {
  const kind = data.length === 0 ? 0 : data[0];
  if (kind > 1) return null;
  const [source, account, wallet, mint, systemProgram, tokenProgram] = accounts;
  return {
    program: 'spl-associated-token-account',
    parsed: { type: kind === 0 ? 'create' : 'createIdempotent', info: { source, account, wallet, mint, systemProgram, tokenProgram } },
  };
}

function lookupTable(data: ReadonlyUint8Array, accounts: readonly Address[]): Parsed {
  const reader = new Reader(data);
  const kind = reader.u32();
  const [lookupTableAccount, lookupTableAuthority, payerAccount, systemProgram] = accounts;
  if (kind === 0) {
    reader.u64(); // the recent slot the table's address derives from; a validator does not print it
    const bumpSeed = reader.u8();
    return {
      program: 'address-lookup-table',
      parsed: { type: 'createLookupTable', info: { lookupTableAccount, lookupTableAuthority, payerAccount, systemProgram, bumpSeed } },
    };
  }
  if (kind === 2) {
    const count = Number(reader.u64());
    const newAddresses = Array.from({ length: count }, () => reader.address());
    return {
      program: 'address-lookup-table',
      parsed: { type: 'extendLookupTable', info: { lookupTableAccount, lookupTableAuthority, payerAccount, systemProgram, newAddresses } },
    };
  }
  return null;
}

function memo(data: ReadonlyUint8Array): Parsed {
  try {
    return { program: 'spl-memo', parsed: new TextDecoder('utf-8', { fatal: true }).decode(data as Uint8Array) };
  } catch {
    return null;
  }
}

const PARSERS: Partial<Record<Address, (data: ReadonlyUint8Array, accounts: readonly Address[]) => Parsed>> = {
  [SYSTEM_PROGRAM_ADDRESS]: system,
  [TOKEN_PROGRAM_ADDRESS]: token,
  [ASSOCIATED_TOKEN_PROGRAM_ADDRESS]: associatedToken,
  [ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS]: lookupTable,
  [MEMO_PROGRAM_ADDRESS]: memo,
};

/**
 * One instruction as `getTransaction` with encoding `jsonParsed` shows it: `{program, programId, parsed,
 * stackHeight}` for the instructions of the programs this ledger's transactions use (memo, system transfer and
 * account creation, SPL Token transfers, mints and mint creation, associated token accounts, lookup tables), and
 * otherwise, as a validator does for whatever it cannot parse, `{programId, accounts, data (base58), stackHeight}`.
 */
export function parsedInstruction(programId: Address, accounts: readonly Address[], data: ReadonlyUint8Array, stackHeight: number | null) {
  let parsed: Parsed = null;
  try {
    parsed = PARSERS[programId]?.(data, accounts) ?? null;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  if (parsed) return { ...parsed, programId, stackHeight };
  return { accounts, data: getBase58Decoder().decode(data), programId, stackHeight };
}
