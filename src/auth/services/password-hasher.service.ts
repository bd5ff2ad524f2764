import { Injectable, Logger } from '@nestjs/common';
import * as argon2 from 'argon2';
import { AppConfig } from '../../config/app-config.js';

/** OWASP's floor for argon2id (Password Storage Cheat Sheet): 19 MiB and 2 passes. */
const OWASP_MEMORY_KIB = 19_456;
const OWASP_TIME_COST = 2;

@Injectable()
export class PasswordHasherService {
  private readonly logger = new Logger(PasswordHasherService.name);
  private readonly options: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number };
  // Verified against when the account does not exist, so a login takes as long whether the email is known or not.
  private readonly decoy: Promise<string>;

  constructor(config: AppConfig) {
    this.options = { type: argon2.argon2id, memoryCost: config.PASSWORD_HASH_MEMORY_KIB, timeCost: config.PASSWORD_HASH_TIME_COST };
    if (this.options.memoryCost < OWASP_MEMORY_KIB || this.options.timeCost < OWASP_TIME_COST) {
      this.logger.warn(
        `password hashes cost ${String(this.options.memoryCost)} KiB x ${String(this.options.timeCost)} passes, below OWASP's floor of ${String(OWASP_MEMORY_KIB)} KiB x ${String(OWASP_TIME_COST)}: fine for tests, not for real accounts`,
      );
    }
    this.decoy = argon2.hash('decoy-password-for-timing', this.options);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    if (hash === null) {
      await argon2.verify(await this.decoy, password);
      return false;
    }
    return argon2.verify(hash, password);
  }

  /** Whether a stored hash was made with other costs than the configured ones (it is re-hashed at the next sign-in). */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, { memoryCost: this.options.memoryCost, timeCost: this.options.timeCost });
  }
}
