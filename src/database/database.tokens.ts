/** Injection token of the DatabaseConnection the app was started with. */
export const DATABASE_CONNECTION = Symbol('DATABASE_CONNECTION');
