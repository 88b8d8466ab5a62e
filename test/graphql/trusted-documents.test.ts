import { type DocumentNode, print } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { WalletOverview } from "../../docs/client/example.ts";
import type { Database } from "../../src/db/database.ts";
import * as restOperations from "../../src/generated/graphql.ts";
import { LegacyWalletDocument } from "../../src/generated/graphql.ts";
import { documentId, trustedDocuments } from "../../src/graphql/trusted-documents.ts";
import { startServer, UNLIMITED } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";

type Answer = { status: number; body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };

const post = (url: string, token: string, body: unknown): Promise<Answer> =>
  fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Answer["body"] }));

/** The client preset's id of an example operation (its manifest holds the text codegen printed). */
const clientId = (document: { __meta__?: { hash?: string } }) => document.__meta__!.hash!;

describe("trusted documents: registered operations by documentId", () => {
  let db: Database;
  let url: string;
  let only: string;
  let token: string;
  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
    ({ url: only } = await startServer(db, { ...UNLIMITED, graphql: { ...UNLIMITED.graphql, trustedDocuments: "only" } }));
    token = (await createCreator(db)).token;
  });

  it("registers the client preset's operations and every REST operation, by the SHA-256 of their text", () => {
    const documents = trustedDocuments();
    expect(documents.has(clientId(WalletOverview as never))).toBe(true);
    const rest = Object.values(restOperations).filter((v): v is DocumentNode => (v as { kind?: string })?.kind === "Document");
    expect(rest.length).toBeGreaterThan(10);
    expect(rest.filter((d) => !documents.has(documentId(print(d)))).map((d) => print(d).slice(0, 60))).toEqual([]);
    expect(documents.get(documentId(print(LegacyWalletDocument)))).toBe(LegacyWalletDocument);
    expect([...documents.keys()].every((id) => /^sha256:[0-9a-f]{64}$/.test(id))).toBe(true);
  });

  it("runs a registered operation by documentId exactly as by its text (also as Apollo's extension and on a GET)", async () => {
    const id = clientId(WalletOverview as never);
    const byText = await post(url, token, { query: print(WalletOverview), variables: { first: 2 } });
    expect(byText.status).toBe(200);
    expect(await post(url, token, { documentId: id, variables: { first: 2 } })).toEqual(byText);
    const apollo = await post(url, token, {
      extensions: { persistedQuery: { version: 1, sha256Hash: id.slice(7) } },
      variables: { first: 2 },
    });
    expect(apollo).toEqual(byText);
    const get = await fetch(
      `${url}/graphql?documentId=${encodeURIComponent(id)}&variables=${encodeURIComponent('{"first":2}')}`,
      {
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
      },
    );
    expect([get.status, await get.json()]).toEqual([200, byText.body]);
  });

  it("refuses an unknown documentId with 400 DOCUMENT_NOT_FOUND", async () => {
    expect(await post(url, token, { documentId: `sha256:${"0".repeat(64)}` })).toEqual({
      status: 400,
      body: { errors: [{ message: "No registered document has this documentId.", extensions: { code: "DOCUMENT_NOT_FOUND" } }] },
    });
  });

  it("with GRAPHQL_TRUSTED_DOCUMENTS=only, refuses any other document (400 TRUSTED_DOCUMENTS_ONLY) and runs the registered ones", async () => {
    expect(await post(only, token, { query: "{ viewer { tokenRole } }" })).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: 'This gateway runs registered documents only: send {"documentId": "sha256:..."} instead of a query.',
            extensions: { code: "TRUSTED_DOCUMENTS_ONLY" },
          },
        ],
      },
    });
    const registered = await post(only, token, { documentId: clientId(WalletOverview as never), variables: { first: 1 } });
    expect([registered.status, registered.body.errors]).toEqual([200, undefined]);
    // The REST layer runs its registered operations in process: its paths still answer.
    const legacy = await fetch(`${only}/api/wallet`, { headers: { authorization: `Bearer ${token}` } });
    expect([legacy.status, ((await legacy.json()) as { success: boolean }).success]).toEqual([200, true]);
  });
});
