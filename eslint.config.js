import js from "@eslint/js";
import graphqlPlugin from "@graphql-eslint/eslint-plugin";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "src/generated/", "docs/client/generated/", "data/", "scratch/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-non-null-assertion": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-console": "error",
    },
  },
  // The schema contract: naming, descriptions, Relay connections and edges, no unreachable
  // types (GraphQL ESLint's schema-recommended and schema-relay sets).
  {
    files: ["schema.graphql"],
    languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema: "schema.graphql" } } },
    plugins: { "@graphql-eslint": graphqlPlugin },
    rules: {
      ...graphqlPlugin.configs["flat/schema-recommended"].rules,
      ...graphqlPlugin.configs["flat/schema-relay"].rules,
      // Every type, field, argument, input field and enum value says what it is.
      "@graphql-eslint/require-description": [
        "error",
        { types: true, rootField: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true },
      ],
      // Entities implement Node (id: ID!); payloads, errors, connections and these value
      // objects are not entities and have no id of their own.
      "@graphql-eslint/strict-id-in-types": [
        "error",
        {
          acceptedIdNames: ["id"],
          acceptedIdTypes: ["ID"],
          exceptions: {
            // Events carry `eventId` (a resume position), not a refetchable Node id.
            suffixes: ["Payload", "Error", "Connection", "Edge", "Event"],
            types: [
              "AccountGroup",
              "AccountStatement",
              "Affiliate",
              "BalanceEntry",
              "BalanceExplanation",
              "CashoutBlock",
              "CashoutPreview",
              "Currency",
              "CurrencyStatement",
              "CurrencyTotals",
              "DashboardAccount",
              "DashboardSummary",
              "EventStreamTicket",
              "FeeChange",
              "FieldError",
              "HeldSale",
              "InvitationConversion",
              "InvitedCreator",
              "LoginBatchRow",
              "Money",
              "PageInfo",
              "PayoutDetails",
              "ReleaseDay",
              "ReleaseTimeline",
              "ReportSums",
              "Session",
              "Statement",
              "StatementLine",
              "TopProduct",
              "TransactionPage",
              "TransactionReport",
              "Viewer",
              "WalletBalance",
            ],
          },
        },
      ],
      // Connections page with edges; plain lists (a group's accounts, an invoice's line items) stay lists.
      "@graphql-eslint/relay-edge-types": ["error", { listTypeCanWrapOnlyEdgeType: false, shouldImplementNode: false }],
      // Forward-only connections (a bucket's entries, newest first) are Relay too: first/after at least.
      "@graphql-eslint/relay-arguments": ["error", { includeBoth: false }],
    },
  },
);
