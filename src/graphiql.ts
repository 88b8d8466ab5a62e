import type { GraphiQLOptions } from "graphql-yoga";

/**
 * GraphiQL with every asset inlined from the npm package (no CDN: it works offline), opening
 * on an example query and a headers editor that says where the token goes.
 */
export const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: "Wallet gateway",
  defaultQuery: `# 1. In Headers below, replace the placeholder
#    with a token: the start banner prints demo
#    tokens, \`npm run cli -- demo\` fresh ones.
# 2. Run with the play button or Ctrl-Enter.
query Me {
  viewer {
    tokenRole
    account {
      email
      displayName
    }
    wallet {
      available {
        formatted
      }
      hold {
        formatted
      }
    }
  }
}
`,
  headers: JSON.stringify({ Authorization: "Bearer <paste a token here>" }, null, 2),
};

let rendered: { key: string; html: string } | undefined;

/**
 * The page is ~9 MB of inlined assets: its module is loaded on the first visit (not at every
 * start, which parsed it whether anyone asked or not), rendered once, then served from memory.
 */
export async function renderOfflineGraphiQL(options: GraphiQLOptions): Promise<string> {
  const key = JSON.stringify(options);
  if (rendered?.key !== key) {
    const { renderGraphiQL } = await import("@graphql-yoga/render-graphiql");
    rendered = { key, html: renderGraphiQL(options) };
  }
  return rendered.html;
}
