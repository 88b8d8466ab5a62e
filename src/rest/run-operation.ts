import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type DocumentNode, type ExecutionResult, GraphQLError, print } from "graphql";
import type { YogaServerInstance } from "graphql-yoga";
import { inputError, variablesProblem } from "../plugins/use-input-hygiene.ts";

/** The first error of a failed operation, as the REST layer needs it to answer in its own envelope. */
export type OperationFailure = {
  status: number;
  code: string | undefined;
  message: string;
  extensions: Record<string, unknown>;
  messages: string[];
};

export type OperationResult<T> =
  | { kind: "data"; data: T }
  | { kind: "unauthenticated"; reason: "missing_api_key" | "invalid_api_key" | "api_key_revoked"; message: string }
  | ({ kind: "failed" } & OperationFailure);

/** What runs a REST route's operation: the app's own GraphQL engine, in this process. */
export type GraphQLRunner = <T, V extends Record<string, unknown>>(
  incoming: Request,
  document: TypedDocumentNode<T, V>,
  variables: V,
) => Promise<OperationResult<T>>;

/** Marks the GraphQL context of an operation a REST route runs (its request already paid its rate-limit point). */
export type RestOperationContext = { restOperation?: true };

const printedDocuments = new WeakMap<object, string>();
/** Each operation is printed once, not on every request. */
function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) printedDocuments.set(document, (text = print(document)));
  return text;
}

/**
 * Runs REST routes' typed operations through the app's GraphQL engine with the caller's own
 * request (its credentials, client address and request id), so every rule, check and
 * DataLoader of the GraphQL surface applies to REST as well: the same plugins parse (from
 * Yoga's cache), validate (cached too), build the context (viewer, limits) and wrap execution
 * (masking, metrics), without a second HTTP pass (no Request to build, no JSON to write and
 * read back, no second log line).
 */
export function inProcessRunner(
  yoga: () => Pick<YogaServerInstance<Record<string, unknown>, Record<string, unknown>>, "getEnveloped">,
  { maxStringLength }: { maxStringLength: number },
): GraphQLRunner {
  return async <T, V extends Record<string, unknown>>(incoming: Request, operation: TypedDocumentNode<T, V>, variables: V) => {
    const problem = variablesProblem(variables, maxStringLength);
    if (problem) return outcome<T>({ errors: [inputError(problem)] });
    const query = printed(operation);
    const context: RestOperationContext & Record<string, unknown> = { params: { query, variables }, restOperation: true };
    const { schema, parse, validate, contextFactory, execute } = yoga().getEnveloped(context);
    // Parsed before the request joins the context: Yoga's parser hook refuses a mutation in a GET,
    // a rule for clients' GraphQL GETs, while some legacy GET paths create on first use by design.
    const document = parse(query);
    context.request = incoming;
    const errors = validate(schema, document);
    if (errors.length > 0) return outcome<T>({ errors: [...errors] }, 400);
    let contextValue: unknown;
    try {
      contextValue = await contextFactory();
    } catch (err) {
      // A refused token or a rate limit (anything else is unexpected: the route answers it).
      if (err instanceof GraphQLError) return outcome<T>({ errors: [err] });
      throw err;
    }
    const result = (await execute({ schema, document, variableValues: variables, contextValue })) as ExecutionResult<T>;
    return outcome(result);
  };
}

/** The result as the REST layer reads it: data, a refused token, or the first error with its HTTP status. */
function outcome<T>(result: ExecutionResult<T>, defaultStatus = 200): OperationResult<T> {
  const errors = result.errors ?? [];
  const auth = errors.find((e) => e.extensions?.code === "UNAUTHENTICATED");
  if (auth) {
    return {
      kind: "unauthenticated",
      reason: (auth.extensions?.reason ?? "missing_api_key") as "missing_api_key",
      message: auth.message,
    };
  }
  if (errors.length || !result.data) {
    const first = errors[0];
    // As Yoga answers over HTTP: the highest status any error asks for.
    const statuses = errors.map((e) => (e.extensions?.http as { status?: number } | undefined)?.status ?? 0);
    return {
      kind: "failed",
      status: Math.max(defaultStatus, ...statuses),
      code: first?.extensions?.code as string | undefined,
      message: first?.message ?? "no data",
      extensions: { ...first?.extensions },
      messages: errors.map((e) => e.message),
    };
  }
  // As the JSON a client of /graphql reads (a DateTime serializes to a Date until then).
  return { kind: "data", data: JSON.parse(JSON.stringify(result.data)) as T };
}
