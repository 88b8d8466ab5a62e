import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { LimitsConfig } from "../limits/limits-config.ts";
import { type Capability, isSensitive } from "../modules/accounts/permissions.ts";

/** A query refused for its shape: HTTP 400 with a stable extensions.code (`spec: false`: Yoga answers validation errors 200 to application/json clients otherwise). */
export const limitError = (code: string, message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code, http: { status: 400, spec: false } } });

/** Every code a limit refuses a document with: each answers 400, whatever the Accept header (REST too). */
export const LIMIT_CODES: ReadonlySet<string> = new Set([
  "QUERY_TOO_DEEP",
  "TOO_MANY_ALIASES",
  "TOO_MANY_TOKENS",
  "TOO_MANY_DIRECTIVES",
  "QUERY_TOO_COSTLY",
  "TOO_MANY_SENSITIVE_MUTATIONS",
  "INTROSPECTION_TOO_DEEP",
  "TOO_MANY_VALIDATION_ERRORS",
]);

/**
 * graphql-js's own limits, refused with a validation error's code (and Yoga answers validation
 * errors 200 to application/json clients): named by their fixed messages, given their own code.
 */
const GRAPHQL_JS_LIMITS: [RegExp, string][] = [
  [/^Maximum introspection depth exceeded$/, "INTROSPECTION_TOO_DEEP"],
  [
    /^Validation aborted\.$|^Too many validation errors, error limit reached\. Validation aborted\.$/,
    "TOO_MANY_VALIDATION_ERRORS",
  ],
];

/** A limit's refusal as it leaves: its code, HTTP 400 (not the spec's 200 for application/json). */
function asLimitRefusal(error: GraphQLError): GraphQLError {
  const named = GRAPHQL_JS_LIMITS.find(([message]) => message.test(error.message))?.[1];
  const code = named ?? (error.extensions?.code as string | undefined);
  if (!code || !LIMIT_CODES.has(code)) return error;
  // A copy: graphql-js throws one shared "Validation aborted." error object for every document.
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    extensions: { ...error.extensions, code, http: { status: 400, spec: false } },
  });
}

/** Arguments that size a list: each multiplies the cost of everything selected below it. */
const LIST_SIZE_ARGS = new Set(["first", "last", "perPage"]);

/**
 * Query limits in one place: GraphQL Armor for depth, aliases, tokens and directives; a cost
 * limit that multiplies by `first`/`last`/`perPage` (literal or variable, so it runs at
 * execution with the variables: Armor's only reads literal first/last); at most one
 * money-moving or credential-checking mutation per operation; introspection and "Did you
 * mean" suggestions as configured.
 */
export function useGraphQLLimits(limits: LimitsConfig["graphql"]): Plugin[] {
  const tagged = (code: string) => [
    (_ctx: unknown, err: GraphQLError) => Object.assign(err.extensions as object, { code, http: { status: 400, spec: false } }),
  ];
  const plugins: Plugin[] = [
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth, onReject: tagged("QUERY_TOO_DEEP"), ignoreIntrospection: true },
      maxAliases: { n: limits.maxAliases, onReject: tagged("TOO_MANY_ALIASES") },
      maxTokens: { n: limits.maxTokens, onReject: tagged("TOO_MANY_TOKENS") },
      maxDirectives: { n: limits.maxDirectives, onReject: tagged("TOO_MANY_DIRECTIVES") },
      costLimit: { enabled: false },
      blockFieldSuggestion: { enabled: limits.introspection !== "on" },
    }),
    {
      onValidate({ addValidationRule }) {
        addValidationRule(oneSensitiveMutation);
      },
      // Refusals at parse (tokens) and by graphql-js's own limits would otherwise answer 200 to
      // clients that accept application/json (Yoga's reading of the spec for validation errors).
      onResultProcess({ result, setResult }) {
        if (Array.isArray(result) || !("errors" in result) || !result.errors?.length) return;
        const errors = result.errors.map((e) => (e instanceof GraphQLError ? asLimitRefusal(e) : e));
        if (errors.some((e, i) => e !== result.errors![i])) setResult({ ...result, errors });
      },
      onExecute({ args, setResultAndStopExecution }) {
        const cost = operationCost(args.document, args.operationName ?? undefined, args.variableValues ?? {});
        if (cost > limits.maxCost) {
          setResultAndStopExecution({
            errors: [
              limitError("QUERY_TOO_COSTLY", `Query cost ${cost} exceeds the limit of ${limits.maxCost}: ask for fewer rows.`),
            ],
          });
        }
      },
    },
  ];
  if (limits.introspection !== "on") {
    const mode = limits.introspection;
    plugins.push(
      useDisableIntrospection({
        // A presented token is checked (401 when bad) before anything executes.
        isDisabled: (request) => mode === "off" || (!request.headers.get("authorization") && !request.headers.get("x-api-key")),
      }),
    );
  }
  return plugins;
}

const oneSensitiveMutation: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    if (operation.operation !== "mutation") return;
    const type = context.getSchema().getMutationType();
    if (!type) return;
    const names = rootFieldNames(operation.selectionSet, context.getDocument());
    const sensitive = names.filter((name) => {
      const field = type.getFields()[name];
      const scopes = (field?.extensions as { pothosOptions?: { authScopes?: { can?: Capability } } } | undefined)?.pothosOptions
        ?.authScopes;
      return field && isSensitive(name, scopes?.can);
    });
    if (sensitive.length > 1) {
      context.reportError(
        limitError(
          "TOO_MANY_SENSITIVE_MUTATIONS",
          `An operation may run one money-moving or credential-checking mutation; this one runs ${sensitive.length} (${[...new Set(sensitive)].join(", ")}).`,
        ),
      );
    }
  },
});

/** The root field of every selection (aliases each counted), through fragments. */
export function rootFieldNames(selectionSet: SelectionSetNode, document: DocumentNode): string[] {
  const fragments = fragmentMap(document);
  const names: string[] = [];
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (!s.name.value.startsWith("__")) names.push(s.name.value);
      } else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet, seen);
      else if (!seen.has(s.name.value)) {
        const f = fragments.get(s.name.value);
        if (f) visit(f.selectionSet, new Set([...seen, s.name.value]));
      }
    }
  };
  visit(selectionSet, new Set());
  return names;
}

export function selectedOperation(document: DocumentNode, operationName?: string): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
}

/** Each field costs 1, times the list sizes (first/last/perPage) of every field above it. */
export function operationCost(
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): number {
  const operation = selectedOperation(document, operationName);
  if (!operation) return 0;
  const fragments = fragmentMap(document);
  const cost = (set: SelectionSetNode, depth: number): number => {
    if (depth > 50) return Number.POSITIVE_INFINITY;
    let total = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        let size = 1;
        for (const arg of s.arguments ?? []) {
          if (!LIST_SIZE_ARGS.has(arg.name.value)) continue;
          const value =
            arg.value.kind === Kind.INT
              ? Number(arg.value.value)
              : arg.value.kind === Kind.VARIABLE
                ? Number(variables[arg.value.name.value] ?? 1)
                : 1;
          if (Number.isFinite(value) && value > size) size = value;
        }
        total += 1 + (s.selectionSet ? size * cost(s.selectionSet, depth + 1) : 0);
      } else if (s.kind === Kind.INLINE_FRAGMENT) total += cost(s.selectionSet, depth + 1);
      else {
        const f = fragments.get(s.name.value);
        if (f) total += cost(f.selectionSet, depth + 1);
      }
    }
    return total;
  };
  return cost(operation.selectionSet, 0);
}

function fragmentMap(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
}
