import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed document nodes for the operations the REST layer runs. Reads the committed
// schema.graphql (no server, no network); fails when an operation does not validate.
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["src/rest/operations/*.graphql"],
  generates: {
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
