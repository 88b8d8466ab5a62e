import { createHash } from "node:crypto";
import { type DocumentNode, parse, print } from "graphql";
import clientManifest from "../../docs/client/generated/persisted-documents.json" with { type: "json" };
import * as restOperations from "../generated/graphql.ts";

/** `sha256:<hex>` of a document's text, the trusted-documents convention the client preset follows. */
export const documentId = (text: string): string => `sha256:${createHash("sha256").update(text).digest("hex")}`;

/**
 * The operations this build knows, by document id, parsed once: the REST layer's (every typed
 * document codegen compiled from src/rest/operations) and the client preset's
 * (docs/client/generated/persisted-documents.json, written by codegen). Every one was validated
 * against the schema when codegen compiled it, so a request naming one skips parsing and
 * validation. A client sends `{"documentId": "sha256:..."}`.
 */
export function trustedDocuments(): Map<string, DocumentNode> {
  const documents = new Map<string, DocumentNode>();
  for (const [id, text] of Object.entries(clientManifest as Record<string, string>)) documents.set(id, parse(text));
  for (const value of Object.values(restOperations)) {
    if (value && typeof value === "object" && (value as { kind?: unknown }).kind === "Document") {
      const document = value as DocumentNode;
      documents.set(documentId(print(document)), document);
    }
  }
  return documents;
}
