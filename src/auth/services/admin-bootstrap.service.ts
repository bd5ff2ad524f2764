import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { UserRepository } from '../repositories/user.repository.js';
import { PasswordHasherService } from './password-hasher.service.js';

/** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD; an existing account with that email is left as it is. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasherService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.config;
    if (!email || !password) return;
    const created = await this.users.insertAdminIfAbsent(email.trim().toLowerCase(), await this.hasher.hash(password));
    if (created) this.logger.log(`created the first admin account ${email}`);
  }
}
