import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

export type GraphQLFetch = (request: Request) => Response | Promise<Response>;

export type OperationResult<T> =
  | { kind: "data"; data: T }
  | { kind: "unauthenticated"; reason: "missing_api_key" | "invalid_api_key" | "api_key_revoked"; message: string }
  | { kind: "failed"; status: number; messages: string[] };

const FORWARDED_HEADERS = ["authorization", "x-api-key", "x-request-id", "idempotency-key"];

/**
 * Runs one typed GraphQL operation against our own /graphql with the caller's credentials,
 * so every rule, check and DataLoader of the GraphQL surface applies to REST as well.
 */
export async function runOperation<T, V extends Record<string, unknown>>(
  graphql: GraphQLFetch,
  incoming: Request,
  document: TypedDocumentNode<T, V>,
  variables: V,
): Promise<OperationResult<T>> {
  const headers = new Headers({ "content-type": "application/json", accept: "application/graphql-response+json" });
  for (const name of FORWARDED_HEADERS) {
    const value = incoming.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const response = await graphql(
    new Request("http://internal/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query: print(document), variables }),
    }),
  );
  const body = (await response.json()) as {
    data?: T | null;
    errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
  };
  const auth = body.errors?.find((e) => e.extensions?.code === "UNAUTHENTICATED");
  if (auth) {
    return {
      kind: "unauthenticated",
      reason: (auth.extensions?.reason ?? "missing_api_key") as "missing_api_key",
      message: auth.message,
    };
  }
  if (body.errors?.length || !body.data) {
    return { kind: "failed", status: response.status, messages: (body.errors ?? []).map((e) => e.message) };
  }
  return { kind: "data", data: body.data };
}
