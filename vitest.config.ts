import { defineConfig } from "vitest/config";

// One database per test file (a copied, already-migrated PGlite directory, or the shared
// PostgreSQL database of DATABASE_URL); tests isolate themselves by creating fresh accounts.
export default defineConfig({
  // graphql 16 ships CJS (main) and ESM (module) builds; Node loads the CJS one for our
  // dependencies, so our own code must too, or graphql sees two copies of itself.
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  test: {
    include: ["test/**/*.test.ts"],
    // Files named *.postgres.test.ts need a PostgreSQL server (several sessions or processes on
    // one database); they run in the PostgreSQL leg (DATABASE_URL=... npm test), as CI does.
    // *.browser.test.ts need Chromium: `npm run test:browser` (vitest.browser.config.ts);
    // test/cluster/ needs the whole topology: `npm run test:cluster` (vitest.cluster.config.ts).
    exclude: ["test/browser/**", "test/cluster/**", ...(process.env.DATABASE_URL ? [] : ["test/**/*.postgres.test.ts"])],
    globalSetup: ["test/helpers/global-setup.ts"],
    setupFiles: ["test/helpers/setup-file.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
  },
});
