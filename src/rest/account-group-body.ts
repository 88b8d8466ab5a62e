import type { AccountGroupFieldsFragment } from "../generated/graphql.ts";

/** The legacy `account_group` object (login, register, linked accounts). */
export const accountGroupBody = (g: AccountGroupFieldsFragment) => ({
  role: g.role.toLowerCase(),
  master_id: g.master?.id ?? null,
  linked_accounts: g.linkedAccounts.map((a) => ({
    user_id: a.id,
    email: a.email,
    display_name: a.displayName,
    currency_code: a.currency.code,
  })),
});
