/** The benchmarks' question on each surface: the viewer's buckets, its 20 newest visible entries and has-next. */
export const QUERY = `query Wallet { viewer { wallet { available { amount } hold { amount } pending { amount }
  transactions(first: 20) { ... on TransactionConnection { edges { node { id: legacyId amount { amount } type createdAt } }
  pageInfo { hasNextPage endCursor } } } } } }`;
export const LEGACY = "/api/wallet?limit=20";
export const STUDIO = "/api/external/v1/account/wallet/transactions?limit=20";

export const BENCH_PATHS = {
  graphql: { path: "/graphql", method: "POST", body: JSON.stringify({ query: QUERY }) },
  legacy: { path: LEGACY, method: "GET", body: undefined },
  studio: { path: STUDIO, method: "GET", body: undefined },
} as const;
