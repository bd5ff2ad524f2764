/** A member's role in an organisation. Owners and admins manage members and buy; members see and download. */
export type OrganisationRole = 'owner' | 'admin' | 'member';

export const ORGANISATION_ROLES: readonly OrganisationRole[] = ['owner', 'admin', 'member'];

/** Roles that may manage members and place orders on the organisation's behalf (spending its money). */
export function canManage(role: OrganisationRole): boolean {
  return role === 'owner' || role === 'admin';
}
