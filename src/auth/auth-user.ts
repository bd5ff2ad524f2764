import { Role } from './role.js';

/** Who is calling: the principal that guards attach to the request. */
export interface AuthUser {
  id: string;
  role: Role;
  email: string | null;
  walletAddress: string | null;
  via: 'jwt' | 'api-key';
}
