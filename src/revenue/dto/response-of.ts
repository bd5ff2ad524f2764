/**
 * An instance of the response DTO class `Dto` holding `fields`: the API's response types are classes (for the OpenAPI
 * document), so what a service answers is built as one, not passed off as one.
 */
export function responseOf<T extends object>(Dto: new () => T, fields: { [K in keyof T]: T[K] }): T {
  return Object.assign(new Dto(), fields);
}
