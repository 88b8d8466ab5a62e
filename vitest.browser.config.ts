import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// Pages in headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH): `npm run test:browser`.
// Kept out of `npm test`, which must pass on a machine without a browser; .ci/run runs both.
export default defineConfig({
  ...base,
  test: { ...base.test, include: ["test/browser/**/*.browser.test.ts"], exclude: [] },
});
