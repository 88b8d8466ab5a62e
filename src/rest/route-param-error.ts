/** A client error in a REST request's parameters, found before any GraphQL runs. */
export class RouteParamError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, string[]> = {},
  ) {
    super(message);
  }
}
