/**
 * A configuration the service cannot start with (a missing or malformed variable, an unusable store). Its own module,
 * free of the config loader's imports (class-validator, Solana's kit), so the storage adapters that throw it load in a
 * worker thread without them.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
