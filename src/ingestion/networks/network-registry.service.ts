import { Injectable } from '@nestjs/common';
import { isSolanaAddress } from '../../auth/wallet-signature.js';
import { isUniqueViolation } from '../../database/pg-errors.js';
import type { CreateNetworkDto, UpdateNetworkDto } from '../dto/network.dto.js';
import { NetworkResponse } from '../dto/network.dto.js';
import { RESERVED_KEY_PREFIXES } from '../content-keys.js';
import { IngestionErrorCode, IngestionException } from '../ingestion.exception.js';
import { NetworkEntity } from '../entities/network.entity.js';
import { NetworkRepository } from '../repositories/network.repository.js';

/** The admin-managed list of networks that may push batches, with the keys that sign them. */
@Injectable()
export class NetworkRegistryService {
  constructor(private readonly networks: NetworkRepository) {}

  async create(dto: CreateNetworkDto): Promise<NetworkResponse> {
    this.assertKey(dto.publicKey);
    const stagingPrefix = dto.stagingPrefix ?? `staging/${dto.slug}/`;
    // A network writes its staging area; the keys the marketplace writes (verified objects, uploads) must stay out of it.
    const reserved = RESERVED_KEY_PREFIXES.find((prefix) => stagingPrefix.startsWith(prefix) || prefix.startsWith(stagingPrefix));
    if (reserved) {
      throw new IngestionException(
        IngestionErrorCode.STAGING_PREFIX_RESERVED,
        `stagingPrefix may not overlap ${reserved}, where the marketplace keeps its own objects`,
      );
    }
    const now = new Date();
    const network = Object.assign(new NetworkEntity(), {
      slug: dto.slug,
      name: dto.name,
      publicKey: dto.publicKey,
      stagingPrefix,
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.networks.insert(network);
    } catch (error) {
      if (isUniqueViolation(error)) throw new IngestionException(IngestionErrorCode.NETWORK_EXISTS, `Network ${dto.slug} already exists`);
      throw error;
    }
    return NetworkResponse.from(network);
  }

  async list(): Promise<NetworkResponse[]> {
    return (await this.networks.list()).map((network) => NetworkResponse.from(network));
  }

  /** Whether a network with this slug is registered (active or not): what a contributor's advance grant may name. */
  async exists(slug: string): Promise<boolean> {
    return (await this.networks.findBySlug(slug)) !== null;
  }

  async update(slug: string, dto: UpdateNetworkDto): Promise<NetworkResponse> {
    if (dto.publicKey !== undefined) this.assertKey(dto.publicKey);
    await this.require(slug);
    await this.networks.update(slug, dto);
    return NetworkResponse.from(await this.require(slug));
  }

  private async require(slug: string) {
    const network = await this.networks.findBySlug(slug);
    if (!network) throw new IngestionException(IngestionErrorCode.NETWORK_NOT_FOUND, `No network ${slug}`);
    return network;
  }

  private assertKey(publicKey: string): void {
    if (!isSolanaAddress(publicKey)) {
      throw new IngestionException(IngestionErrorCode.INVALID_PUBLIC_KEY, 'publicKey must be a base58 Ed25519 public key (32 bytes)');
    }
  }
}
