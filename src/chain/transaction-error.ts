import type { FailedTransactionMetadata } from 'litesvm';

/**
 * A transaction error as a validator writes it in JSON-RPC answers (`meta.err`, `getSignatureStatuses`, the data of
 * a preflight failure): a bare name for errors without fields, else a one-key object, e.g.
 * `{"InstructionError":[0,{"Custom":1}]}`. @solana/kit turns exactly these shapes into its typed errors.
 */
export type TransactionErrorJson = string | Record<string, unknown>;

/** LiteSVM's TransactionErrorFieldless, in its numeric order (the names a validator prints). */
const TRANSACTION_ERRORS = [
  'AccountInUse',
  'AccountLoadedTwice',
  'AccountNotFound',
  'ProgramAccountNotFound',
  'InsufficientFundsForFee',
  'InvalidAccountForFee',
  'AlreadyProcessed',
  'BlockhashNotFound',
  'CallChainTooDeep',
  'MissingSignatureForFee',
  'InvalidAccountIndex',
  'SignatureFailure',
  'InvalidProgramForExecution',
  'SanitizeFailure',
  'ClusterMaintenance',
  'AccountBorrowOutstanding',
  'WouldExceedMaxBlockCostLimit',
  'UnsupportedVersion',
  'InvalidWritableAccount',
  'WouldExceedMaxAccountCostLimit',
  'WouldExceedAccountDataBlockLimit',
  'TooManyAccountLocks',
  'AddressLookupTableNotFound',
  'InvalidAddressLookupTableOwner',
  'InvalidAddressLookupTableData',
  'InvalidAddressLookupTableIndex',
  'InvalidRentPayingAccount',
  'WouldExceedMaxVoteCostLimit',
  'WouldExceedAccountDataTotalLimit',
  'MaxLoadedAccountsDataSizeExceeded',
  'ResanitizationNeeded',
  'InvalidLoadedAccountsDataSizeLimit',
  'UnbalancedTransaction',
  'ProgramCacheHitMaxLimit',
  'CommitCancelled',
] as const;

/** LiteSVM's InstructionErrorFieldless, in its numeric order. */
const INSTRUCTION_ERRORS = [
  'GenericError',
  'InvalidArgument',
  'InvalidInstructionData',
  'InvalidAccountData',
  'AccountDataTooSmall',
  'InsufficientFunds',
  'IncorrectProgramId',
  'MissingRequiredSignature',
  'AccountAlreadyInitialized',
  'UninitializedAccount',
  'UnbalancedInstruction',
  'ModifiedProgramId',
  'ExternalAccountLamportSpend',
  'ExternalAccountDataModified',
  'ReadonlyLamportChange',
  'ReadonlyDataModified',
  'DuplicateAccountIndex',
  'ExecutableModified',
  'RentEpochModified',
  'NotEnoughAccountKeys',
  'AccountDataSizeChanged',
  'AccountNotExecutable',
  'AccountBorrowFailed',
  'AccountBorrowOutstanding',
  'DuplicateAccountOutOfSync',
  'InvalidError',
  'ExecutableDataModified',
  'ExecutableLamportChange',
  'ExecutableAccountNotRentExempt',
  'UnsupportedProgramId',
  'CallDepth',
  'MissingAccount',
  'ReentrancyNotAllowed',
  'MaxSeedLengthExceeded',
  'InvalidSeeds',
  'InvalidRealloc',
  'ComputationalBudgetExceeded',
  'PrivilegeEscalation',
  'ProgramEnvironmentSetupFailure',
  'ProgramFailedToComplete',
  'ProgramFailedToCompile',
  'Immutable',
  'IncorrectAuthority',
  'AccountNotRentExempt',
  'InvalidAccountOwner',
  'ArithmeticOverflow',
  'UnsupportedSysvar',
  'IllegalOwner',
  'MaxAccountsDataAllocationsExceeded',
  'MaxAccountsExceeded',
  'MaxInstructionTraceLengthExceeded',
  'BuiltinProgramsMustConsumeComputeUnits',
  'BorshIoError',
] as const;

export type TransactionErrorName = (typeof TRANSACTION_ERRORS)[number];

type LiteSvmTransactionError = ReturnType<FailedTransactionMetadata['err']>;
type LiteSvmInstructionError = number | { code: number } | { msg: string };

function instructionErrorJson(error: LiteSvmInstructionError): TransactionErrorJson {
  if (typeof error === 'number') return INSTRUCTION_ERRORS[error] ?? 'InvalidError';
  if ('code' in error) return { Custom: error.code };
  return { BorshIoError: error.msg };
}

/** LiteSVM's error object as a validator's JSON error. */
export function transactionErrorJson(error: LiteSvmTransactionError): TransactionErrorJson {
  if (typeof error === 'number') return TRANSACTION_ERRORS[error] ?? 'SanitizeFailure';
  // The classes are native (napi) objects: their fields are read, their names compared by shape.
  if ('err' in error) return { InstructionError: [error.index, instructionErrorJson(error.err())] };
  if ('accountIndex' in error) {
    const name = error.toString().includes('ProgramExecutionTemporarilyRestricted')
      ? 'ProgramExecutionTemporarilyRestricted'
      : 'InsufficientFundsForRent';
    return { [name]: { account_index: error.accountIndex } };
  }
  return { DuplicateInstruction: error.index };
}

const TRANSACTION_ERROR_TEXT: Partial<Record<string, string>> = {
  AlreadyProcessed: 'This transaction has already been processed',
  BlockhashNotFound: 'Blockhash not found',
  AccountNotFound: 'Attempt to debit an account but found no record of a prior credit.',
  InsufficientFundsForFee: 'Insufficient funds for fee',
  SignatureFailure: 'Transaction did not pass signature verification',
  AddressLookupTableNotFound: 'Transaction loads an address table account that doesn\u2019t exist',
  InvalidAddressLookupTableIndex: 'Transaction address table lookup uses an invalid index',
  UnsupportedVersion: 'Transaction version is unsupported',
};

/** The sentence a validator puts after "Transaction simulation failed: ". */
export function transactionErrorText(error: TransactionErrorJson): string {
  if (typeof error === 'string') return TRANSACTION_ERROR_TEXT[error] ?? error;
  const [name, value] = Object.entries(error)[0] ?? ['Unknown', null];
  if (name === 'InstructionError' && Array.isArray(value)) {
    const [index, inner] = value as [number, TransactionErrorJson];
    if (typeof inner === 'object' && 'Custom' in inner)
      return `Error processing Instruction ${index}: custom program error: 0x${Number(inner.Custom).toString(16)}`;
    return `Error processing Instruction ${index}: ${typeof inner === 'string' ? inner : JSON.stringify(inner)}`;
  }
  return `${name}: ${JSON.stringify(value)}`;
}
