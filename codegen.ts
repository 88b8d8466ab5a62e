import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed document nodes for the operations the REST layer runs, and the client preset a
// frontend would use (docs/client/). Reads the committed schema.graphql (no server, no
// network); fails when an operation does not validate.
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["src/rest/operations/*.graphql"],
  generates: {
    // What a frontend would use: the client preset over documents written with graphql() (docs/client/example.ts).
    "docs/client/generated/": {
      preset: "client",
      documents: ["docs/client/*.ts"],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: "string", SafeInt: "number" },
      },
      // persisted-documents.json: each operation's text by its SHA-256, registered as trusted
      // documents at build time (src/graphql/trusted-documents.ts).
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: "sha256" } },
    },
    "src/generated/graphql.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: "string", SafeInt: "number" },
      },
    },
  },
  silent: true,
};

export default config;
