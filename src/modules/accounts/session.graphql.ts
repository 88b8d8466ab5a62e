import { resultUnion, payloadOf } from "../../graphql/results.ts";
import { builder } from "../../graphql/builder.ts";
import { credentialThrottle } from "../../limits/credential-throttle.ts";
import {
  CurrencyMismatchError,
  EmailTakenError,
  InvalidCredentialsError,
  InviteNotFoundError,
  ValidationError,
} from "../errors.ts";
import { AccountType, Viewer } from "../viewer/viewer.graphql.ts";
import { accountGroupOf, type AccountGroupInfo, groupMembers } from "./account-group.service.ts";
import { login, loginBatch } from "./login.service.ts";
import { register } from "./registration.service.ts";

const AccountGroupRoleEnum = builder.enumType("AccountGroupRole", {
  description: "An account's place in an agency group.",
  values: {
    STANDALONE: { description: "Not linked to any account." },
    MASTER: { description: "An agency with linked children." },
    CHILD: { description: "Linked to a master." },
  } as const,
});

export const AccountGroupType = builder.objectRef<AccountGroupInfo>("AccountGroup").implement({
  description: "The account's place in an agency group: a master links up to 10 child accounts.",
  fields: (t) => ({
    role: t.expose("role", { description: "STANDALONE, MASTER or CHILD.", type: AccountGroupRoleEnum }),
    master: t.field({
      description: "For a child: its master; null otherwise.",
      type: AccountType,
      nullable: true,
      resolve: (g, _a, ctx) => (g.masterId ? ctx.loaders.accountById.load(g.masterId) : null),
    }),
    accounts: t.field({
      type: [AccountType],
      description: "The accounts the viewer may combine: a master and its children (the master first), anyone else only itself.",
      resolve: async (g, _a, ctx) =>
        (await Promise.all(groupMembers(g.accountId, g).map((id) => ctx.loaders.accountById.load(id)))).filter((a) => a !== null),
    }),
    linkedAccounts: t.field({
      type: [AccountType],
      description: "For a master: its children.",
      resolve: async (g, _a, ctx) =>
        (await Promise.all(g.linkedAccountIds.map((id) => ctx.loaders.accountById.load(id)))).filter((a) => a !== null),
    }),
  }),
});

type Session = { accountId: number; token: string };

export const SessionType = builder.objectRef<Session>("Session").implement({
  description: "A new API token (shown once) and who it belongs to.",
  fields: (t) => ({
    token: t.exposeString("token", { description: "The new API token: shown once, store it." }),
    account: t.field({
      description: "Whose token it is.",
      type: AccountType,
      resolve: async (s, _a, ctx) => (await ctx.loaders.accountById.load(s.accountId))!,
    }),
    accountGroup: t.field({
      description: "The account's place in its agency group.",
      type: AccountGroupType,
      resolve: (s, _a, ctx) => accountGroupOf(ctx.prisma, s.accountId),
    }),
  }),
});

builder.objectField(Viewer, "accountGroup", (t) =>
  t.field({
    type: AccountGroupType,
    description: "The viewer's place in its agency group.",
    authScopes: { can: "group.read" },
    resolve: (viewer, _a, ctx) => ctx.loaders.accountGroup.load(viewer.accountId),
  }),
);

const RegisterInput = builder.inputType("RegisterInput", {
  description: "A new creator account, optionally referred by an invitation or a referrer's id.",
  fields: (f) => ({
    email: f.string({ description: "Unique; stored lower case.", required: true }),
    password: f.string({ required: true, description: "At least 8 characters; stored only as an scrypt hash." }),
    displayName: f.string({ description: "The creator's public name.", required: true }),
    currency: f.string({ required: true, description: "ISO 4217 code; must match the inviter's." }),
    inviteCode: f.string({ description: "An affiliate invitation code (case-insensitive). Not with masterId." }),
    masterId: f.int({ description: "The referring creator's account id. Not with inviteCode." }),
    feeBasisPoints: f.int({ description: "With masterId: the referrer's fee, 0..1000 (default: the platform default)." }),
  }),
});

builder.mutationField("register", (t) =>
  t.field({
    type: SessionType,
    description: "Create an account, its wallet and its first token; resolve the referral. All or nothing.",
    errors: {
      types: [ValidationError, EmailTakenError, InviteNotFoundError, CurrencyMismatchError],
      union: resultUnion("Register"),
      ...payloadOf("Register", "session"),
    },
    args: {
      input: t.arg({ description: "The new account and, optionally, who referred it.", type: RegisterInput, required: true }),
    },
    resolve: async (_root, { input }, ctx) => {
      await ctx.rateLimits.registration(ctx.clientAddress);
      const registered = await register(ctx.prisma, {
        email: input.email,
        password: input.password,
        displayName: input.displayName,
        currency: input.currency,
        ...(input.inviteCode != null ? { inviteCode: input.inviteCode } : {}),
        ...(input.masterId != null ? { masterId: input.masterId } : {}),
        ...(input.feeBasisPoints != null ? { feeBps: input.feeBasisPoints } : {}),
      });
      return { accountId: registered.accountId, token: registered.token.token };
    },
  }),
);

const LoginInput = builder.inputType("LoginInput", {
  description: "An email and password.",
  fields: (f) => ({
    email: f.string({ description: "The account's email (any case).", required: true }),
    password: f.string({ description: "The account's password.", required: true }),
  }),
});

builder.mutationField("login", (t) =>
  t.field({
    type: SessionType,
    description: "Email and password for a new token. Wrong email and wrong password answer alike.",
    errors: {
      types: [ValidationError, InvalidCredentialsError],
      union: resultUnion("Login"),
      ...payloadOf("Login", "session"),
    },
    args: { input: t.arg({ description: "The email and password.", type: LoginInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const session = await login(ctx.prisma, input, credentialThrottle(ctx));
      return { accountId: session.accountId, token: session.token.token };
    },
  }),
);

const BatchRow = builder
  .objectRef<{ email: string; session: Session | null; error: { code: string; message: string } | null }>("LoginBatchRow")
  .implement({
    description: "One login of a batch: its session, or why it failed.",
    fields: (t) => ({
      email: t.exposeString("email", { description: "The email of this row." }),
      session: t.field({
        description: "The new session, or null when it failed.",
        type: SessionType,
        nullable: true,
        resolve: (r) => r.session,
      }),
      errorCode: t.string({
        description: "Why it failed (a stable code), or null.",
        nullable: true,
        resolve: (r) => r.error?.code ?? null,
      }),
      errorMessage: t.string({
        description: "Why it failed, for people, or null.",
        nullable: true,
        resolve: (r) => r.error?.message ?? null,
      }),
    }),
  });

builder.mutationField("loginBatch", (t) =>
  t.field({
    type: [BatchRow],
    description: "Up to 10 logins at once; each row succeeds or fails on its own.",
    errors: {
      types: [ValidationError],
      union: resultUnion("LoginBatch"),
      ...payloadOf("LoginBatch", "rows"),
    },
    args: {
      input: t.arg({
        description: "Up to 10 email and password pairs.",
        required: true,
        type: builder.inputType("LoginBatchInput", {
          description: "Up to 10 email and password pairs.",
          fields: (f) => ({
            accounts: f.field({ type: [LoginInput], required: true, description: "The logins, each tried on its own." }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) =>
      (await loginBatch(ctx.prisma, input.accounts, credentialThrottle(ctx))).map((row) =>
        row.ok
          ? { email: row.email, session: { accountId: row.result.accountId, token: row.result.token.token }, error: null }
          : { email: row.email, session: null, error: { code: row.error.code, message: row.error.message } },
      ),
  }),
);
