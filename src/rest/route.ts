import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

import type { Surface } from "./surfaces.ts";

type Schema = Record<string, unknown>;

/** What the OpenAPI document (openapi.ts) says of a route; the error answers come from its surface. */
export type RouteDoc = {
  summary: string;
  description?: string;
  /** The path's `:name` parameters (default: an account id). */
  params?: Record<string, { description: string; schema: Schema }>;
  /** Query-string parameters. */
  query?: Record<string, { description: string; schema: Schema }>;
  /** Request headers besides the credentials. */
  headers?: Record<string, { description: string; schema: Schema }>;
  /** The JSON body's schema. */
  body?: Schema;
  /** The 200 body (for legacy paths: the `data` inside the envelope). */
  response: Schema;
  /** Its media type, when not JSON. */
  responseType?: string;
  /** Anyone may call it (no credentials). */
  public?: boolean;
};

/**
 * A REST path as data: which GraphQL operation it runs, with which variables, and how the
 * result becomes the legacy body. The runner (router.ts) is written once.
 */
export type Route<T = unknown, V extends Record<string, unknown> = Record<string, unknown>> = {
  method: "GET" | "POST" | "DELETE";
  path: string;
  /** Which legacy API the path belongs to: it decides the error envelope. */
  surface: Surface;
  operation: TypedDocumentNode<T, V>;
  /** `params` holds the path's `:name` segments. */
  variables: (request: Request, url: URL, params: Record<string, string>) => V | Promise<V>;
  respond: (data: T, variables: V) => Response;
  doc: RouteDoc;
};

export const route = <T, V extends Record<string, unknown>>(r: Route<T, V>): Route => r as unknown as Route;

/**
 * "/api/user/linked-accounts/:childId" -> its params for a concrete path, or null. A parameter
 * may end its segment with literal text: ":month.csv" matches "2026-03.csv" as month "2026-03".
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = decodeURIComponent(got[i]!);
    const param = /^:(\w+)(.*)$/.exec(w);
    if (!param) {
      if (w !== g) return null;
      continue;
    }
    const [, name, suffix] = param as unknown as [string, string, string];
    if (!g.endsWith(suffix) || g.length === suffix.length) return null;
    params[name] = g.slice(0, g.length - suffix.length);
  }
  return params;
}
