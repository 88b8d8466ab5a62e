import { resultUnion, payloadOf } from "../../graphql/results.ts";
import { builder } from "../../graphql/builder.ts";
import { credentialThrottle } from "../../limits/credential-throttle.ts";
import { ConflictError, ForbiddenError, InvalidCredentialsError, NotFoundError, ValidationError } from "../errors.ts";
import { accountGroupOf } from "./account-group.service.ts";
import { childSession, linkProvenChild, unlinkChild } from "./linked-accounts.service.ts";
import { AccountGroupType, SessionType } from "./session.graphql.ts";

const LinkAccountInput = builder.inputType("LinkAccountInput", {
  description: "Proof that the caller controls the account to link: its email and password, or a token of it.",
  fields: (f) => ({
    email: f.string({ description: "The child's email (with password)." }),
    password: f.string({ description: "The child's password (with email)." }),
    token: f.string({ description: "An OWNER or ADMIN token of the child (instead of email and password)." }),
  }),
});

/** Which linked child a mutation acts on. */
const ChildInput = (name: string) =>
  builder.inputType(name, {
    description: "One of your linked child accounts.",
    fields: (f) => ({ childId: f.int({ required: true, description: "The child's account (legacy id)." }) }),
  });

/** The mutation pattern: `<Name>Result = <Name>Payload { <dataField> } | typed errors`. */
const errors = (name: string, dataField: string, types: (new (...args: never[]) => Error)[]) => ({
  types: [ValidationError, ForbiddenError, ...types],
  union: resultUnion(name),
  ...payloadOf(name, dataField),
});

builder.mutationField("linkAccount", (t) =>
  t.field({
    authScopes: { can: "group.manage" },
    type: AccountGroupType,
    description: "Link an account you control as a child of yours (at most 10; a child has one master).",
    errors: errors("LinkAccount", "accountGroup", [InvalidCredentialsError, ConflictError, NotFoundError]),
    args: {
      input: t.arg({ description: "Proof that you control the account to link.", type: LinkAccountInput, required: true }),
    },
    resolve: async (_root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      await linkProvenChild(ctx.prisma, viewer.accountId, input, credentialThrottle(ctx));
      return accountGroupOf(ctx.prisma, viewer.accountId);
    },
  }),
);

builder.mutationField("unlinkAccount", (t) =>
  t.field({
    authScopes: { can: "group.manage" },
    type: AccountGroupType,
    description: "Unlink one of your children; the session tokens you obtained for it are revoked.",
    errors: errors("UnlinkAccount", "accountGroup", [NotFoundError]),
    args: {
      input: t.arg({ description: "Which linked child to unlink.", type: ChildInput("UnlinkAccountInput"), required: true }),
    },
    resolve: async (_root, { input: { childId } }, ctx) => {
      const viewer = ctx.viewer!;
      await unlinkChild(ctx.prisma, viewer.accountId, childId);
      return accountGroupOf(ctx.prisma, viewer.accountId);
    },
  }),
);

builder.mutationField("createChildSession", (t) =>
  t.field({
    authScopes: { can: "group.manage" },
    type: SessionType,
    description: "A token acting as one of your linked children (recorded as issued by you).",
    errors: errors("CreateChildSession", "session", [NotFoundError]),
    args: {
      input: t.arg({ description: "Which linked child to act as.", type: ChildInput("CreateChildSessionInput"), required: true }),
    },
    resolve: async (_root, { input: { childId } }, ctx) => {
      const viewer = ctx.viewer!;
      const session = await childSession(ctx.prisma, viewer.accountId, childId);
      return { accountId: session.accountId, token: session.token };
    },
  }),
);
