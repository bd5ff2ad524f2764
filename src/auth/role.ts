export enum Role {
  BUYER = 'buyer',
  CONTRIBUTOR = 'contributor',
  ADMIN = 'admin',
}

/** Roles a person may choose for themselves; admins are made by ADMIN_EMAIL or by another admin. */
export const SELF_SERVICE_ROLES = [Role.BUYER, Role.CONTRIBUTOR] as const;
export type SelfServiceRole = (typeof SELF_SERVICE_ROLES)[number];
