import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// The topology of `npm run cluster` (a primary, a streaming standby applying WAL 500 ms late,
// two gateways, nginx), started once for the run by its own global setup: `npm run test:cluster`.
// Needs Debian's postgresql and nginx packages; .ci/run runs it in its PostgreSQL leg.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/cluster/**/*.cluster.test.ts"],
    exclude: [],
    globalSetup: ["test/cluster/cluster-setup.ts"],
    setupFiles: [],
    maxWorkers: 1,
    testTimeout: 300_000,
  },
});
