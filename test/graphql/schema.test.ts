import fs from "node:fs";
import { assertValidSchema, buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { printedSchema } from "../../src/graphql/print-schema.ts";
import { schema } from "../../src/graphql/schema.ts";

const committed = () => fs.readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8");

describe("the GraphQL schema is a contract", () => {
  it("is valid", () => {
    expect(() => assertValidSchema(schema)).not.toThrow();
  });

  it("matches the committed schema.graphql (run `npm run schema:print` after changing types)", () => {
    expect(printedSchema()).toBe(committed());
  });

  it("never uses Float, and Int only for counts and ids, never for money", () => {
    const sdl = committed();
    expect(sdl).not.toMatch(/\bFloat\b/);
    const moneyAsInt = sdl.match(
      /^\s*(amount\w*|available|hold|pending|fee|net|balance\w*|referralRevenue|current|required|\w*Sum)(\(.*\))?: Int!?$/gm,
    );
    expect(moneyAsInt).toBeNull();
  });

  it("validates every operation the REST layer runs against schema.graphql", () => {
    const dir = new URL("../../src/rest/operations/", import.meta.url);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".graphql"));
    expect(files.length).toBeGreaterThan(0);
    // One document, as codegen reads them: fragments may be shared between files.
    const document = files.map((file) => fs.readFileSync(new URL(file, dir), "utf8")).join("\n");
    expect(validate(buildSchema(committed()), parse(document)).map((e) => e.message)).toEqual([]);
  });

  it("reports an operation that does not validate (the check can fail)", () => {
    const errors = validate(buildSchema(committed()), parse("query Broken { viewer { noSuchField } }"));
    expect(errors.map((e) => e.message)).toEqual(['Cannot query field "noSuchField" on type "Viewer".']);
  });
});
