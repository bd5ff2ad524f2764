import { QueryFailedError } from 'typeorm';

/** True for PostgreSQL's unique_violation (23505): the constraint, not a prior read, decides who was first. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}
