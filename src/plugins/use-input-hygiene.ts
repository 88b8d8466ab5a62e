import { GraphQLError, Kind, type ValidationRule, type ValueNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { RejectedInput } from "../rest/surfaces.ts";

// C0 controls and DEL, except tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// Half of a UTF-16 pair without its other half: not text PostgreSQL can store.
const LONE_SURROGATE = /\p{Cs}/u;

/** What is wrong with a refused string, after its field's name (GraphQL and REST say it alike). */
export const REFUSAL_TEXT: Record<RejectedInput["code"], string> = {
  control_characters: "must not contain control characters",
  malformed_text: "is not well-formed Unicode text",
  too_long: "is too long",
};

/** Why a string argument is refused, or null: control characters, lone surrogates, over-long. */
export function rejectString(field: string, value: string, maxLength: number): RejectedInput | null {
  const refused = (code: RejectedInput["code"], why = REFUSAL_TEXT[code]) => ({ field, code, message: `${field} ${why}` });
  if (CONTROL.test(value)) return refused("control_characters");
  if (LONE_SURROGATE.test(value)) return refused("malformed_text");
  if (value.length > maxLength) return refused("too_long", `must be at most ${maxLength} characters`);
  return null;
}

export const inputError = (r: RejectedInput): GraphQLError =>
  new GraphQLError(`Invalid input: ${r.message}.`, {
    extensions: { code: "INVALID_INPUT", field: r.field, reason: r.code, http: { status: 422, spec: false } },
  });

/**
 * Every string a client sends as a GraphQL argument, in variables or written into the
 * document, is refused with 422 naming the field when it holds control characters or
 * malformed Unicode (PostgreSQL rejects NUL) or is longer than the cap.
 */
export function useInputHygiene({ maxStringLength }: { maxStringLength: number }): Plugin {
  const literalRule: ValidationRule = (context) => ({
    Argument(node) {
      const problem = firstInLiteral(node.name.value, node.value, maxStringLength);
      if (problem) context.reportError(inputError(problem));
    },
  });
  return {
    onParams({ params, setResult }) {
      const problem = variablesProblem(params.variables, maxStringLength);
      if (problem) setResult({ errors: [inputError(problem)] });
    },
    onValidate({ addValidationRule }) {
      addValidationRule(literalRule);
    },
  };
}

/** The first refused string in an operation's variables, or null. */
export const variablesProblem = (variables: unknown, maxStringLength: number): RejectedInput | null =>
  firstInValue("", variables, maxStringLength);

function firstInValue(path: string, value: unknown, max: number): RejectedInput | null {
  if (typeof value === "string") return rejectString(path || "variables", value, max);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = firstInValue(`${path}.${i}`, value[i], max);
      if (p) return p;
    }
  } else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      const p = firstInValue(path ? `${path}.${key}` : key, v, max);
      if (p) return p;
    }
  }
  return null;
}

function firstInLiteral(path: string, node: ValueNode, max: number): RejectedInput | null {
  if (node.kind === Kind.STRING) return rejectString(path, node.value, max);
  if (node.kind === Kind.LIST) {
    for (let i = 0; i < node.values.length; i++) {
      const p = firstInLiteral(`${path}.${i}`, node.values[i]!, max);
      if (p) return p;
    }
  }
  if (node.kind === Kind.OBJECT) {
    for (const f of node.fields) {
      const p = firstInLiteral(`${path}.${f.name.value}`, f.value, max);
      if (p) return p;
    }
  }
  return null;
}
