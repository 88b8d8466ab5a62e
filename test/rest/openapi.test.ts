import fs from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { openApiPath } from "../../src/rest/openapi.ts";
import { restRoutes } from "../../src/rest/routes/index.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, openWalletServer, type Service } from "../helpers/money.ts";

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { security: unknown[]; responses: Record<string, { content: { "application/json": { schema: object } } }> }>
  >;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, unknown> };
};

describe("GET /api/openapi.json: the REST layer as OpenAPI 3.1, generated from the route table", () => {
  let db: Database;
  let url: string;
  let service: Service;
  let doc: Doc;
  beforeAll(async () => {
    ({ db, url, service } = await openWalletServer());
    const res = await fetch(`${url}/api/openapi.json`);
    expect([res.status, res.headers.get("content-type")]).toEqual([200, "application/json; charset=utf-8"]);
    doc = (await res.json()) as Doc;
  });

  /** Checks a real answer against the document's schema for that path, method and status. */
  function conforms(path: string, method: string, status: number, body: unknown) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: "doc", components: doc.components });
    const schema = doc.paths[path]![method]!.responses[String(status)]!.content["application/json"].schema;
    const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
    expect(validate(body) ? [] : validate.errors).toEqual([]);
  }

  it("is a valid OpenAPI 3.1 document with every route, its credentials and both security schemes", async () => {
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(restRoutes.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["apiKey", "bearer"]);
    expect(doc.paths["/api/external/v1/account/wallet/transactions"]!.get!.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths["/api/wallet"]!.get!.security).toEqual([{ bearer: [] }]);
    expect(doc.paths["/api/login"]!.post!.security).toEqual([]);
    for (const status of ["401", "404", "422", "429", "500", "503"])
      expect(doc.paths["/api/wallet"]!.get!.responses[status]).toBeDefined();
  });

  it("names the statement path as clients call it: /api/statements/{month}.csv, the month a pattern", async () => {
    const statement = doc.paths["/api/statements/{month}.csv"]?.get as unknown as {
      parameters: { name: string; in: string; schema: { pattern: string } }[];
    };
    const month = statement.parameters.find((p) => p.in === "path")!;
    expect(month.name).toBe("month");
    const pattern = new RegExp(month.schema.pattern);
    expect(["2026-03", "1999-12"].map((m) => pattern.test(m))).toEqual([true, true]);
    expect(["2026-13", "2026-3", "march", "2026-03.csv"].map((m) => pattern.test(m))).toEqual([false, false, false, false]);
    // What the document says is what the server serves.
    const me = await createCreator(db);
    const res = await fetch(`${url}/api/statements/2026-03.csv`, { headers: { authorization: `Bearer ${me.token}` } });
    expect([res.status, res.headers.get("content-type")]).toEqual([200, "text/csv; charset=utf-8"]);
  });

  it("documents every /api path the README names", async () => {
    const readme = fs.readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    // The documentation itself (the OpenAPI document and its Swagger UI) is not a route of the document.
    const mentioned = [...new Set([...readme.matchAll(/\/api\/[A-Za-z0-9/{}:._-]*[A-Za-z0-9}]/g)].map((m) => m[0]))].filter(
      (p) => p !== "/api/openapi.json" && p !== "/api/docs",
    );
    expect(mentioned.length).toBeGreaterThan(15);
    // A README path writes a parameter as {name} or :name (then the shapes must agree: a
    // document saying /api/statements/{file} for the README's /api/statements/{YYYY-MM}.csv does
    // not), or as an example value (then it must match the template).
    const shape = (path: string) => path.replace(/\{[^}/]+\}|:\w+/g, "{}");
    const documented = Object.keys(doc.paths);
    const matches = (readmePath: string, template: string) =>
      /[{:]/.test(readmePath)
        ? shape(readmePath) === shape(template)
        : new RegExp(`^${template.replace(/\./g, "\\.").replace(/\{\w+\}/g, "[^/]+")}$`).test(readmePath);
    expect(mentioned.filter((p) => !documented.some((t) => matches(p, t)))).toEqual([]);
    expect(matches("/api/statements/{YYYY-MM}.csv", "/api/statements/{file}")).toBe(false);
  });

  it("describes what the paths really answer, success and errors, on every surface", async () => {
    const me = await createCreator(db);
    await deposit(url, service.token, me.id, 2500);
    const get = async (path: string, headers: Record<string, string>) => {
      const res = await fetch(`${url}${path}`, { headers });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const bearer = { authorization: `Bearer ${me.token}` };
    const wallet = await get("/api/wallet?limit=5", bearer);
    expect(wallet.status).toBe(200);
    conforms("/api/wallet", "get", 200, wallet.body);
    conforms("/api/dashboard/summary", "get", 200, (await get("/api/dashboard/summary", bearer)).body);
    conforms("/api/user/linked-accounts", "get", 200, (await get("/api/user/linked-accounts", bearer)).body);
    conforms("/api/affiliate/invited", "get", 200, (await get("/api/affiliate/invited", bearer)).body);
    const studio = await get("/api/external/v1/account/wallet/transactions", { "x-api-key": me.token });
    conforms("/api/external/v1/account/wallet/transactions", "get", 200, studio.body);
    const stats = await get("/api/stats/transactions", bearer);
    conforms("/api/stats/transactions", "get", 200, stats.body);
    const noToken = await get("/api/wallet", {});
    conforms("/api/wallet", "get", noToken.status, noToken.body);
    const badKey = await get("/api/external/v1/account/wallet/transactions", { "x-api-key": "nope" });
    conforms("/api/external/v1/account/wallet/transactions", "get", badKey.status, badKey.body);
    const badPage = await get("/api/stats/transactions?per_page=1000", bearer);
    conforms("/api/stats/transactions", "get", badPage.status, badPage.body);
    expect([noToken.status, badKey.status, badPage.status]).toEqual([401, 401, 400]);
  });
});
