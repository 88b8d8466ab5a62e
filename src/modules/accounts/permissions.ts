import type { TokenRole } from "../../generated/prisma/enums.ts";

/**
 * Who may do what: the one table of token role x capability. Every GraphQL field that needs
 * more than a valid token names its capability (`authScopes: { can: "..." }`); the REST layer
 * only runs GraphQL operations, so the same verdict holds there. docs/permissions.md is
 * rendered from this table (`npm run docs:permissions`; a test fails when it is stale).
 */
export const CAPABILITIES = {
  "account.read": {
    roles: ["OWNER", "ADMIN", "MEMBER", "VIEWER", "SERVICE"],
    verb: "read its account",
    what: "the token's own account and role (`viewer`, `viewer.account`, `viewer.tokenRole`)",
  },
  "tokens.revokeOwn": {
    roles: ["OWNER", "ADMIN", "MEMBER", "VIEWER", "SERVICE"],
    verb: "revoke itself",
    what: "revoke the token it presents (`revokeToken` with its own id)",
  },
  "tokens.revokeAny": {
    roles: ["OWNER", "ADMIN"],
    verb: "revoke other tokens",
    what: "revoke any other token of its own account (`revokeToken`)",
  },
  "wallet.read": {
    roles: ["OWNER", "ADMIN", "MEMBER", "VIEWER"],
    verb: "read the wallet",
    what: "balances, ledger, payouts (`viewer.wallet`, legacy wallet paths, Studio feed), live events (`walletUpdated`, `transactionAdded`)",
  },
  "wallet.cashout": {
    sensitive: true,
    roles: ["OWNER", "ADMIN"],
    verb: "cash out",
    what: "move everything available to a payout (`requestCashout`, `POST /api/wallet/cashout`)",
  },
  "payout.details": {
    sensitive: true,
    roles: ["OWNER", "ADMIN"],
    verb: "set payout details",
    what: "where payouts go: IBAN, account and routing numbers, sort code (`setPayoutDetails`)",
  },
  "affiliate.read": {
    roles: ["OWNER", "ADMIN", "MEMBER", "VIEWER"],
    verb: "read the affiliate programme",
    what: "referral revenue, invitations, invited creators (`viewer.affiliate`)",
  },
  "affiliate.invite": {
    roles: ["OWNER", "ADMIN", "MEMBER"],
    verb: "create invitations",
    what: "get or create an invitation link and code (`createInvitation`, `GET /api/affiliate/invitation*`)",
  },
  "dashboard.read": {
    roles: ["OWNER", "ADMIN", "MEMBER", "VIEWER"],
    verb: "read dashboards",
    what: "KPIs of the account and of its linked children (`viewer.dashboard`, `viewer.aggregateDashboard`)",
  },
  "group.read": {
    roles: ["OWNER", "ADMIN", "MEMBER", "VIEWER"],
    verb: "read the account group",
    what: "the agency group (`viewer.accountGroup`, `GET /api/user/linked-accounts`)",
  },
  "group.manage": {
    sensitive: true,
    roles: ["OWNER", "ADMIN"],
    verb: "manage linked accounts",
    what: "link and unlink children, act as a child (`linkAccount`, `unlinkAccount`, `createChildSession`)",
  },
  "report.read": {
    roles: ["OWNER", "ADMIN", "MEMBER"],
    verb: "read organization reports",
    what: "the organisation transaction report (`transactionReport`, `GET /api/stats/transactions`)",
  },
  "ledger.record": {
    sensitive: true,
    roles: ["SERVICE"],
    verb: "record money movements",
    what: "sales (one, or up to 100 in a batch), hold releases, payout settlement, refunds, disputes, deposits, withdrawals",
  },
  "affiliate.manage": {
    roles: ["SERVICE"],
    verb: "manage the affiliate programme",
    what: "report invitation visits, change a referred creator's fee (`recordInvitationVisit`, `setReferralFee`)",
  },
  "catalog.manage": {
    roles: ["SERVICE"],
    verb: "manage the catalog",
    what: "products, short links, link views",
  },
  "invoices.create": {
    sensitive: true,
    roles: ["SERVICE"],
    verb: "create invoices",
    what: "paid organisation invoices with line items (`createInvoice`)",
  },
} as const satisfies Record<string, { roles: readonly TokenRole[]; verb: string; what: string; sensitive?: true }>;

export type Capability = keyof typeof CAPABILITIES;

export const TOKEN_ROLES: readonly TokenRole[] = ["OWNER", "ADMIN", "MEMBER", "VIEWER", "SERVICE"];

export const may = (role: TokenRole, capability: Capability): boolean =>
  (CAPABILITIES[capability].roles as readonly TokenRole[]).includes(role);

export const deniedMessage = (role: TokenRole, capability: Capability): string =>
  `${/^[AEIOU]/.test(role) ? "An" : "A"} ${role} token may not ${CAPABILITIES[capability].verb}`;

/**
 * Public mutations that check credentials. With the capabilities marked `sensitive` (money
 * moves, proof of control), an operation may hold at most one of them: a request is one
 * password guess or one movement, never a hundred aliased ones.
 */
export const CREDENTIAL_MUTATIONS: readonly string[] = ["login", "loginBatch", "register"];

export const isSensitive = (fieldName: string, capability: Capability | undefined): boolean =>
  CREDENTIAL_MUTATIONS.includes(fieldName) || (capability !== undefined && "sensitive" in CAPABILITIES[capability]);

/** Roles whose token proves control of an account (linking it as a child). */
export const PROOF_OF_CONTROL_ROLES: readonly TokenRole[] = CAPABILITIES["group.manage"].roles;
