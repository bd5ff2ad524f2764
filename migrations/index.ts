import { CreateAuthTables1764288000000 } from './1764288000000-CreateAuthTables.js';
import { CreateRateLimitHits1764288000001 } from './1764288000001-CreateRateLimitHits.js';
import { CreateJobs1764374400000 } from './1764374400000-CreateJobs.js';
import { CreateCapturesAndNetworks1764374400001 } from './1764374400001-CreateCapturesAndNetworks.js';
import { CreateLicenceTemplates1764460800000 } from './1764460800000-CreateLicenceTemplates.js';

/** Every migration, oldest first. Listed explicitly so the same set runs from TypeScript (tests) and from dist/. */
export const migrations = [
  CreateAuthTables1764288000000,
  CreateRateLimitHits1764288000001,
  CreateJobs1764374400000,
  CreateCapturesAndNetworks1764374400001,
  CreateLicenceTemplates1764460800000,
];
