import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { limitsWith } from "../helpers/limits.ts";

const ACCEPTS = [undefined, "application/json", "application/graphql-response+json", "*/*"] as const;

/** A document for each limit, and the code and message it is refused with. */
const REFUSALS: { limit: string; query: string; code: string; message: RegExp }[] = [
  {
    limit: "tokens",
    query: `{ ${"viewer { tokenRole } ".repeat(3_000)}}`,
    code: "TOO_MANY_TOKENS",
    message: /^Syntax Error: Token limit of 2000 exceeded\.$/,
  },
  {
    limit: "depth",
    query: `{ viewer { ${"... on Viewer { ".repeat(20)}tokenRole${" }".repeat(20)} } }`,
    code: "QUERY_TOO_DEEP",
    message: /depth/i,
  },
  {
    limit: "introspection depth",
    query: `{ __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }`,
    code: "INTROSPECTION_TOO_DEEP",
    message: /^Maximum introspection depth exceeded$/,
  },
  {
    limit: "aliases",
    query: `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: viewer { tokenRole }`).join(" ")} }`,
    code: "TOO_MANY_ALIASES",
    message: /aliases/i,
  },
  {
    limit: "directives",
    query: `{ viewer { tokenRole ${"@include(if: true) ".repeat(20)}} }`,
    code: "TOO_MANY_DIRECTIVES",
    message: /directives/i,
  },
  {
    limit: "fields to compare (1,000 duplicates)",
    query: `{ viewer { ${"tokenRole ".repeat(1_000)}} }`,
    code: "TOO_MANY_VALIDATION_ERRORS",
    message: /^Validation aborted\.$/,
  },
  {
    limit: "validation errors (1,000 unknown fields)",
    query: `{ ${Array.from({ length: 1_000 }, (_, i) => `nope${i}`).join(" ")} }`,
    code: "TOO_MANY_VALIDATION_ERRORS",
    message: /^Too many validation errors, error limit reached\. Validation aborted\.$/,
  },
];

describe("every GraphQL limit answers 400 with its code, whatever the Accept header", () => {
  let db: Database;
  let url: string;
  let token: string;
  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db, limitsWith({ read: { perMinute: 10_000, perHour: 10_000 } })));
    token = (await createCreator(db)).token;
  });

  for (const refusal of REFUSALS) {
    for (const accept of ACCEPTS) {
      it(`${refusal.limit}, Accept: ${accept ?? "(none)"}`, async () => {
        const res = await fetch(`${url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) },
          body: JSON.stringify({ query: refusal.query }),
        });
        const body = (await res.json()) as { data?: unknown; errors: { message: string; extensions?: { code?: string } }[] };
        const refused = body.errors.at(-1)!; // graphql-js reports the errors before the one that stopped it
        expect([res.status, refused.extensions?.code]).toEqual([400, refusal.code]);
        expect(refused.message).toMatch(refusal.message);
        expect(body.data).toBeUndefined();
      });
    }
  }
});
