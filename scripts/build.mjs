// The production build: src/server.ts and everything it imports compiled once into one ES module,
// so `npm start` runs plain JavaScript with `node` instead of transpiling TypeScript at every
// start. Dependencies are bundled too: Node resolving, reading and compiling ~1,150 files of
// node_modules was most of the start-up. These stay in node_modules (see UNBUNDLED).
//
// `npm start` (scripts/start.mjs) builds only when the bundle is older than a file it was built
// from (listed next to it at build time), this script or package-lock.json; otherwise esbuild is
// not even loaded. `npm run build` always builds.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Two levels deep like src/db/migrate.ts, so its `../../prisma/migrations` resolves the same. */
export const SERVER_BUNDLE = `${ROOT}dist/server/server.js`;
/** The files the bundle was built from, relative to ROOT (esbuild's metafile inputs). */
const INPUTS = `${ROOT}dist/server/inputs.json`;
/** Not inputs of the bundle, but a change to either may change it. */
const ALSO_READ = [fileURLToPath(import.meta.url), `${ROOT}package-lock.json`];

/**
 * Left to Node at run time: PGlite and Prisma's runtime load their WebAssembly and data files next
 * to their own modules (PGlite and its Prisma adapter are imported only when the embedded
 * database is opened: left in the bundle, their static imports would load them at every start); pg, once bundled, sent a malformed start-up message to the server;
 * GraphiQL's renderer is ~9 MB of inlined assets, imported on the first visit only.
 */
const UNBUNDLED = [
  "@electric-sql/pglite",
  "@electric-sql/pglite/*",
  "pglite-prisma-adapter",
  "@prisma/*",
  "pg",
  "pg-*",
  "@graphql-yoga/render-graphiql",
];

export async function buildServer() {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [`${ROOT}src/server.ts`],
    bundle: true,
    platform: "node",
    format: "esm",
    external: UNBUNDLED,
    target: "node20",
    // A third less to parse at every start (4.4 -> 3.0 MB); names are kept, and the source map
    // gives TypeScript lines with NODE_OPTIONS=--enable-source-maps.
    minifyWhitespace: true,
    minifySyntax: true,
    // Bundled CommonJS dependencies call require() for Node's built-ins.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
    sourcemap: true,
    metafile: true,
    absWorkingDir: ROOT,
    outfile: SERVER_BUNDLE,
    logLevel: "warning",
  });
  writeFileSync(INPUTS, JSON.stringify(Object.keys(result.metafile.inputs)));
}

/** True when the bundle exists and no file it was built from (or this script, or the lockfile) changed since. */
export function bundleIsUpToDate() {
  try {
    const built = statSync(SERVER_BUNDLE).mtimeMs;
    const inputs = JSON.parse(readFileSync(INPUTS, "utf8")).map((file) => `${ROOT}${file}`);
    return [...inputs, ...ALSO_READ].every((file) => statSync(file).mtimeMs <= built);
  } catch {
    return false; // no bundle, no list, or an input gone: build
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildServer();
