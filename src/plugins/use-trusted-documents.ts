import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import type { DocumentNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import { trustedDocuments } from "../graphql/trusted-documents.ts";

/** off: documents only as text; on: a registered `documentId` or any document; only: registered documents alone. */
export type TrustedDocumentsMode = "off" | "on" | "only";

const refusal = (code: string, message: string) => ({ message, extensions: { code, http: { status: 400, spec: false } } });

/**
 * Trusted documents (Yoga's persisted operations): a client may send `{"documentId": "sha256:..."}`
 * (or Apollo's `extensions.persistedQuery.sha256Hash`, or `?documentId=` on a GET) for an operation
 * this build registered (trusted-documents.ts); it runs pre-parsed and unvalidated (codegen validated
 * it). With `only`, any other document is refused with 400 TRUSTED_DOCUMENTS_ONLY.
 */
export function useTrustedDocuments(
  mode: TrustedDocumentsMode,
  documents: Map<string, DocumentNode> = trustedDocuments(),
): Plugin[] {
  if (mode === "off") return [];
  return [
    usePersistedOperations({
      getPersistedOperation: (id) => documents.get(id) ?? null,
      allowArbitraryOperations: mode === "on",
      skipDocumentValidation: true,
      extractPersistedOperationId: (params, request) => {
        const body = params as typeof params & { documentId?: unknown };
        if (typeof body.documentId === "string") return body.documentId;
        const apollo = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery
          ?.sha256Hash;
        if (typeof apollo === "string") return apollo.startsWith("sha256:") ? apollo : `sha256:${apollo}`;
        return request.method === "GET" ? new URL(request.url).searchParams.get("documentId") : null;
      },
      customErrors: {
        notFound: refusal("DOCUMENT_NOT_FOUND", "No registered document has this documentId."),
        keyNotFound: refusal("BAD_REQUEST", "Send a query, or the documentId of a registered document."),
        persistedQueryOnly: refusal(
          "TRUSTED_DOCUMENTS_ONLY",
          'This gateway runs registered documents only: send {"documentId": "sha256:..."} instead of a query.',
        ),
      },
    }),
  ];
}
