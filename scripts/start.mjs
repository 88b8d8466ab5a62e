// `npm start`: builds the server bundle when a file it is built from changed (or there is none
// yet), then runs it in this same process, so a start with an up-to-date build costs one Node
// start, not two, and never loads esbuild.
import { pathToFileURL } from "node:url";
import { buildServer, bundleIsUpToDate, SERVER_BUNDLE } from "./build.mjs";

if (!bundleIsUpToDate()) {
  process.stderr.write("building the server (src/ changed since the last build)...\n");
  await buildServer();
}
await import(pathToFileURL(SERVER_BUNDLE).href);
