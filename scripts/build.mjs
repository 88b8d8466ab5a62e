// The production build: src/server.ts and everything it imports compiled once into one ES module
// (dependencies stay in node_modules), so `npm start` runs plain JavaScript with `node` instead
// of transpiling TypeScript at every start. `npm start` runs it first (prestart, under a second).
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Two levels deep like src/db/migrate.ts, so its `../../prisma/migrations` resolves the same. */
export const SERVER_BUNDLE = `${ROOT}dist/server/server.js`;

export async function buildServer() {
  await build({
    entryPoints: [`${ROOT}src/server.ts`],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    target: "node20",
    sourcemap: true,
    outfile: SERVER_BUNDLE,
    logLevel: "warning",
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildServer();
