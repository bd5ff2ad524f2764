import {
  AccountRole,
  type Address,
  type Instruction,
  type ReadonlyUint8Array,
  type TransactionSigner,
  address,
  getAddressDecoder,
  getAddressEncoder,
  getProgramDerivedAddress,
} from '@solana/kit';

/**
 * The Address Lookup Table program, built by hand: @solana-program/address-lookup-table is not a dependency, and the
 * two instructions used here are small bincode structs (u32 enum tag, then the fields, little-endian).
 */
export const ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS = address('AddressLookupTab1e1111111111111111111111111');
const SYSTEM_PROGRAM_ADDRESS = address('11111111111111111111111111111111');
/** A table holds at most 256 addresses (an index is one byte). */
export const LOOKUP_TABLE_MAX_ADDRESSES = 256;
/** The table account's header before its addresses (LOOKUP_TABLE_META_SIZE in the program). */
const LOOKUP_TABLE_META_SIZE = 56;

/** The table's address: the PDA of (authority, recent slot), with its bump. */
export async function findLookupTableAddress(authority: Address, recentSlot: bigint): Promise<[Address, number]> {
  const slot = new Uint8Array(8);
  new DataView(slot.buffer).setBigUint64(0, recentSlot, true);
  const [pda, bump] = await getProgramDerivedAddress({
    programAddress: ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS,
    seeds: [getAddressEncoder().encode(authority), slot],
  });
  return [pda, bump];
}

/** CreateLookupTable { recent_slot, bump_seed }: `recentSlot` must be in the SlotHashes sysvar (a recent slot). */
export function getCreateLookupTableInstruction(input: {
  table: Address;
  authority: TransactionSigner;
  payer: TransactionSigner;
  recentSlot: bigint;
  bump: number;
}): Instruction {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, 0, true);
  view.setBigUint64(4, input.recentSlot, true);
  data[12] = input.bump;
  return {
    programAddress: ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS,
    // Older runtimes require the authority to sign the creation; signing always works.
    accounts: tableAccounts(input),
    data,
  };
}

/** The accounts of CreateLookupTable and ExtendLookupTable: the table, its authority (signing), the payer, the system program. */
function tableAccounts(input: { table: Address; authority: TransactionSigner; payer: TransactionSigner }) {
  return [
    { address: input.table, role: AccountRole.WRITABLE },
    { address: input.authority.address, role: AccountRole.READONLY_SIGNER, signer: input.authority },
    { address: input.payer.address, role: AccountRole.WRITABLE_SIGNER, signer: input.payer },
    { address: SYSTEM_PROGRAM_ADDRESS, role: AccountRole.READONLY },
  ];
}

/** ExtendLookupTable { new_addresses: Vec<Pubkey> }; the payer funds the extra rent. */
export function getExtendLookupTableInstruction(input: {
  table: Address;
  authority: TransactionSigner;
  payer: TransactionSigner;
  addresses: readonly Address[];
}): Instruction {
  const data = new Uint8Array(12 + 32 * input.addresses.length);
  const view = new DataView(data.buffer);
  view.setUint32(0, 2, true);
  view.setBigUint64(4, BigInt(input.addresses.length), true);
  const encoder = getAddressEncoder();
  input.addresses.forEach((entry, i) => {
    data.set(encoder.encode(entry), 12 + 32 * i);
  });
  return {
    programAddress: ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS,
    accounts: tableAccounts(input),
    data,
  };
}

/** The addresses a table account holds (its data after the 56-byte header). */
export function decodeLookupTableAddresses(data: ReadonlyUint8Array): Address[] {
  const decoder = getAddressDecoder();
  const addresses: Address[] = [];
  for (let offset = LOOKUP_TABLE_META_SIZE; offset + 32 <= data.length; offset += 32) addresses.push(decoder.decode(data.slice(offset, offset + 32)));
  return addresses;
}

/** The addresses a v0 transaction loaded from its tables, in the runtime's order: every writable one, then the readonly. */
export interface LoadedAddresses {
  writable: readonly Address[];
  readonly: readonly Address[];
}

export interface AddressTableLookup {
  lookupTableAddress: Address;
  writableIndexes: readonly number[];
  readonlyIndexes: readonly number[];
}

/**
 * The loaded addresses of a transaction given each table's contents (what a validator reports as
 * meta.loadedAddresses): for each lookup in order, its writable indexes; then for each, its readonly indexes.
 */
export function resolveLoadedAddresses(lookups: readonly AddressTableLookup[], contents: (table: Address) => readonly Address[]): LoadedAddresses {
  const pick = (lookup: AddressTableLookup, indexes: readonly number[]) => {
    const table = contents(lookup.lookupTableAddress);
    return indexes.map((index) => {
      if (index >= table.length) throw new Error(`lookup table ${lookup.lookupTableAddress} has no address at index ${index}`);
      return table[index];
    });
  };
  return {
    writable: lookups.flatMap((lookup) => pick(lookup, lookup.writableIndexes)),
    readonly: lookups.flatMap((lookup) => pick(lookup, lookup.readonlyIndexes)),
  };
}

/**
 * The inverse: each table's contents, as far as the transaction used them, from meta.loadedAddresses (sparse
 * arrays: only the used indexes are known), for decompileTransactionMessage.
 */
export function addressesByLookupTable(lookups: readonly AddressTableLookup[], loaded: LoadedAddresses): Record<Address, Address[]> {
  const tables: Record<Address, Address[]> = {};
  let writable = 0;
  let readonly = 0;
  for (const lookup of lookups) {
    const table = (tables[lookup.lookupTableAddress] ??= []);
    for (const index of lookup.writableIndexes) table[index] = loaded.writable[writable++];
  }
  for (const lookup of lookups) {
    const table = tables[lookup.lookupTableAddress];
    for (const index of lookup.readonlyIndexes) table[index] = loaded.readonly[readonly++];
  }
  if (writable !== loaded.writable.length || readonly !== loaded.readonly.length) {
    throw new Error('the loaded addresses do not match the transaction lookups');
  }
  return tables;
}
