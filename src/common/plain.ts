/**
 * The data shape of a class, as a plain object type: what services build and pass around for entities and response
 * DTOs. Those classes exist for their decorators (TypeORM's columns, OpenAPI's schema), never for behaviour, so an
 * object literal of their shape is as good as an instance; typing it as `Plain<...>` says so, and keeps the lint
 * rules that guard real classes (no-unsafe-class-instance-assignment, no-misused-spread) meaningful elsewhere.
 */
export type Plain<T> = T extends Date
  ? T
  : T extends readonly (infer Item)[]
    ? Plain<Item>[]
    : T extends object
      ? { [K in keyof T]: Plain<T[K]> }
      : T;
