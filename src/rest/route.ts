import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

/** A client error in a REST request's parameters, found before any GraphQL runs. */
export class RouteParamError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, string[]> = {},
  ) {
    super(message);
  }
}

/** Which legacy API a path belongs to: it decides the error envelope. */
export type Surface = "legacy" | "studio";

/**
 * A REST path as data: which GraphQL operation it runs, with which variables, and how the
 * result becomes the legacy body. The runner (router.ts) is written once.
 */
export type Route<T = unknown, V extends Record<string, unknown> = Record<string, unknown>> = {
  method: "GET" | "POST" | "DELETE";
  path: string;
  surface: Surface;
  operation: TypedDocumentNode<T, V>;
  variables: (request: Request, url: URL) => V | Promise<V>;
  respond: (data: T, variables: V) => Response;
};

export const route = <T, V extends Record<string, unknown>>(r: Route<T, V>): Route => r as unknown as Route;
