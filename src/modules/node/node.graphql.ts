import { builder } from "../../graphql/builder.ts";
import { ValidationError } from "../errors.ts";
import { fromGlobalId, type NodeTypeName, toGlobalId } from "./global-id.ts";
import { loadNode } from "./node.service.ts";

/** Which GraphQL type a value loaded by node() is (the loaders return plain rows). */
const NODE_TYPE = Symbol("nodeType");
type Tagged = { id: number; [NODE_TYPE]?: NodeTypeName };

export const NodeInterface = builder.interfaceRef<Tagged>("Node").implement({
  description: "Anything with a global id (Relay Global Object Identification): refetch it with node(id:).",
  resolveType: (value) => value[NODE_TYPE] ?? null,
  fields: (t) => ({
    id: t.id({
      description: "Opaque global id; stable for the object's lifetime.",
      resolve: (value) => toGlobalId(value[NODE_TYPE]!, value.id),
    }),
  }),
});

/** The two id fields of every node type: the global id, and the integer the REST layer and old clients use. */
export const nodeIdFields = (type: NodeTypeName) => ({
  id: {
    description: "Opaque global id (Relay); refetch with node(id:).",
    resolve: (value: { id: number }) => toGlobalId(type, value.id),
  },
  legacyId: {
    description: "The integer id of the legacy REST API and older clients.",
    resolve: (value: { id: number }) => value.id,
  },
});

async function resolveNode(globalId: string, ctx: Parameters<typeof loadNode>[0]): Promise<Tagged | null> {
  const decoded = fromGlobalId(globalId);
  if (!decoded) return null;
  const value = (await loadNode(ctx, decoded.type, decoded.id)) as Tagged | null;
  if (value) value[NODE_TYPE] = decoded.type;
  return value;
}

builder.queryField("node", (t) =>
  t.field({
    type: NodeInterface,
    nullable: true,
    authScopes: { can: "account.read" },
    description: "The object with this global id, if the caller may see it; null otherwise (unknown and foreign ids alike).",
    args: { id: t.arg.id({ required: true, description: "A global id from any `id` field." }) },
    resolve: (_root, args, ctx) => resolveNode(String(args.id), ctx),
  }),
);

builder.queryField("nodes", (t) =>
  t.field({
    type: [NodeInterface],
    nullable: { list: false, items: true },
    authScopes: { can: "account.read" },
    description: "node(id:) for up to 100 ids, in the order given.",
    args: { ids: t.arg.idList({ required: true, description: "Global ids (at most 100)." }) },
    resolve: (_root, args, ctx) => {
      if (args.ids.length > 100) throw ValidationError.field("ids", "must list at most 100 ids");
      return Promise.all(args.ids.map((id) => resolveNode(String(id), ctx)));
    },
  }),
);
