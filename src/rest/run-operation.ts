import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { randomBytes } from "node:crypto";
import { print } from "graphql";
import { currentRequestId } from "../request-context.ts";

const printedDocuments = new WeakMap<object, string>();
/** Each operation is printed once, not on every request. */
function printed(document: TypedDocumentNode<unknown, never>): string {
  let text = printedDocuments.get(document);
  if (text === undefined) printedDocuments.set(document, (text = print(document)));
  return text;
}

export type GraphQLFetch = (request: Request) => Response | Promise<Response>;

/** The first error of a failed operation, as the REST layer needs it to answer in its own envelope. */
export type OperationFailure = {
  status: number;
  code: string | undefined;
  message: string;
  extensions: Record<string, unknown>;
  messages: string[];
};

export type OperationResult<T> = (
  | { kind: "data"; data: T }
  | { kind: "unauthenticated"; reason: "missing_api_key" | "invalid_api_key" | "api_key_revoked"; message: string }
  | ({ kind: "failed" } & OperationFailure)
) & { headers: Headers };

/**
 * Requests the REST layer makes to its own /graphql carry a secret of this process (clients
 * cannot forge it) and the outer request's client address. Headers, because the fetch layer
 * may hand the handler a copy of the Request object.
 */
const INTERNAL_SECRET = randomBytes(24).toString("base64url");
const INTERNAL_HEADER = "x-wallet-gateway-internal";
const ADDRESS_HEADER = "x-wallet-gateway-client-address";

export function internalRequestOf(request: Request): { clientAddress: string | null } | undefined {
  if (request.headers.get(INTERNAL_HEADER) !== INTERNAL_SECRET) return undefined;
  return { clientAddress: request.headers.get(ADDRESS_HEADER) };
}

const FORWARDED_HEADERS = ["authorization", "x-api-key", "idempotency-key"];

/**
 * Runs one typed GraphQL operation against our own /graphql with the caller's credentials,
 * so every rule, check and DataLoader of the GraphQL surface applies to REST as well.
 */
export async function runOperation<T, V extends Record<string, unknown>>(
  graphql: GraphQLFetch,
  incoming: Request,
  document: TypedDocumentNode<T, V>,
  variables: V,
  clientAddress: string | null,
): Promise<OperationResult<T>> {
  const headers = new Headers({ "content-type": "application/json", accept: "application/graphql-response+json" });
  for (const name of FORWARDED_HEADERS) {
    const value = incoming.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  headers.set(INTERNAL_HEADER, INTERNAL_SECRET);
  // The outer request's id (given or made up), so the inner execution logs under it.
  const requestId = currentRequestId();
  if (requestId) headers.set("x-request-id", requestId);
  if (clientAddress !== null) headers.set(ADDRESS_HEADER, clientAddress);
  const response = await graphql(
    new Request("http://internal/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query: printed(document), variables }),
    }),
  );
  const body = (await response.json()) as {
    data?: T | null;
    errors?: { message: string; extensions?: { code?: string; reason?: string } & Record<string, unknown> }[];
  };
  const auth = body.errors?.find((e) => e.extensions?.code === "UNAUTHENTICATED");
  if (auth) {
    return {
      kind: "unauthenticated",
      reason: (auth.extensions?.reason ?? "missing_api_key") as "missing_api_key",
      message: auth.message,
      headers: response.headers,
    };
  }
  if (body.errors?.length || !body.data) {
    const first = body.errors?.[0];
    return {
      kind: "failed",
      status: response.status,
      code: first?.extensions?.code,
      message: first?.message ?? "no data",
      extensions: first?.extensions ?? {},
      messages: (body.errors ?? []).map((e) => e.message),
      headers: response.headers,
    };
  }
  return { kind: "data", data: body.data, headers: response.headers };
}
