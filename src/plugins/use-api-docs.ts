import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Plugin } from "graphql-yoga";
import { openApiDocument } from "../rest/openapi.ts";
import type { Route } from "../rest/route.ts";

const require = createRequire(import.meta.url);
const SWAGGER_UI = path.dirname(require.resolve("swagger-ui-dist/package.json"));
const VERSION = (require("../../package.json") as { version: string }).version;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Wallet gateway REST API</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>
`;
// No online validator badge, no remote anything: the page works offline.
const INIT = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null });\n`;

type Asset = { type: string; body: string };

/**
 * The REST layer's OpenAPI 3.1 document at /api/openapi.json (generated from the route table)
 * and a browsable page at /api/docs whose assets come from the swagger-ui-dist npm package.
 */
export function useApiDocs({ routes }: { routes: Route[] }): Plugin {
  const document = JSON.stringify(openApiDocument(routes, VERSION));
  const assets = new Map<string, () => Asset>([
    ["/api/openapi.json", () => ({ type: "application/json; charset=utf-8", body: document })],
    ["/api/docs", () => ({ type: "text/html; charset=utf-8", body: PAGE })],
    ["/api/docs/init.js", () => ({ type: "text/javascript; charset=utf-8", body: INIT })],
    ["/api/docs/swagger-ui.css", lazyFile("swagger-ui.css", "text/css; charset=utf-8")],
    ["/api/docs/swagger-ui-bundle.js", lazyFile("swagger-ui-bundle.js", "text/javascript; charset=utf-8")],
  ]);
  return {
    onRequest({ request, url, endResponse }) {
      const asset = assets.get(url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname);
      if (!asset) return;
      if (request.method !== "GET" && request.method !== "HEAD") {
        endResponse(new Response(null, { status: 405, headers: { allow: "GET, HEAD" } }));
        return;
      }
      const { type, body } = asset();
      endResponse(
        new Response(request.method === "HEAD" ? null : body, {
          headers: {
            "content-type": type,
            "cache-control": "public, max-age=300",
            "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
          },
        }),
      );
    },
  };
}

function lazyFile(name: string, type: string): () => Asset {
  let body: string | undefined;
  return () => ({ type, body: (body ??= fs.readFileSync(path.join(SWAGGER_UI, name), "utf8")) });
}
