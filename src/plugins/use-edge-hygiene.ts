import type { Plugin } from "graphql-yoga";
import { errorsForPath } from "../rest/surfaces.ts";

/**
 * What is refused before any routing or GraphQL runs, in the envelope of the path's family:
 * bodies over the limit (413, also for chunked bodies without a length), paths whose
 * percent-escapes do not decode (400), and GraphQL GET parameters that are not JSON objects (400).
 */
export function useEdgeHygiene({ bodyLimitBytes }: { bodyLimitBytes: number }): Plugin {
  return {
    async onRequest({ request, url, endResponse, setRequest }) {
      const errors = errorsForPath(url.pathname);
      if (!decodes(url.pathname)) return endResponse(errors.badRequest("The request path is not valid percent-encoded UTF-8."));
      if (url.pathname === "/graphql" && request.method === "GET") {
        for (const name of ["variables", "extensions"]) {
          const raw = url.searchParams.get(name);
          if (raw !== null && raw !== "" && !isJsonObject(raw)) {
            return endResponse(errors.badRequest(`The ${name} parameter must be a JSON object.`));
          }
        }
      }
      if (request.method === "GET" || request.method === "HEAD") return;
      // The declared length first: touching `request.body` turns the Node stream into a web
      // stream, and the body is then read through it (a stream pipeline per request).
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (Number(declared) > bodyLimitBytes) return endResponse(closing(errors.tooLarge(bodyLimitBytes)));
        return;
      }
      if (request.body === null) return;
      // No declared length (chunked): read at most the limit, then hand on what was read.
      const body = await readAtMost(request, bodyLimitBytes);
      if (body === null) return endResponse(closing(errors.tooLarge(bodyLimitBytes)));
      setRequest(new Request(request.url, { method: request.method, headers: request.headers, body }));
    },
  };
}

/**
 * The body was not read to its end. Answered with keep-alive, the connection stayed open but was
 * no longer read: a client's next request on it got no answer. It ends with the answer instead.
 */
function closing(response: Response): Response {
  response.headers.set("connection", "close");
  return response;
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function isJsonObject(raw: string): boolean {
  try {
    const value = JSON.parse(raw) as unknown;
    return value === null || (typeof value === "object" && !Array.isArray(value));
  } catch {
    return false;
  }
}

async function readAtMost(request: Request, limit: number): Promise<BodyInit | null> {
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks) as unknown as BodyInit;
}
