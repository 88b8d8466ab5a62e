import { CAPABILITIES, type Capability, CREDENTIAL_MUTATIONS, may, TOKEN_ROLES } from "./permissions.ts";

/** docs/permissions.md, rendered from the permission table (a test fails when the file is stale). */
export function permissionsDocument(): string {
  const capabilities = Object.keys(CAPABILITIES) as Capability[];
  const rows = capabilities.map(
    (c) =>
      `| \`${c}\`${"sensitive" in CAPABILITIES[c] ? " \\*" : ""} | ${CAPABILITIES[c].what} | ${TOKEN_ROLES.map((r) => (may(r, c) ? "yes" : "-")).join(" | ")} |`,
  );
  return `# Permissions

<!-- Generated from src/modules/accounts/permissions.ts by \`npm run docs:permissions\`; do not edit by hand. -->

Who may do what, by the role of the presented token. Every GraphQL field that needs more than
a valid token names one capability of this table (\`authScopes: { can: ... }\`); the REST paths
run GraphQL operations, so they get the same verdict. A refused capability answers
\`ForbiddenError\` (a typed result where the field has one, else HTTP 403 with
\`extensions.code: "FORBIDDEN"\`); REST answers 403 in its envelope (the Stats API answers 401,
as its document says). No token at all answers 401.

| capability | what | ${TOKEN_ROLES.join(" | ")} |
| --- | --- | ${TOKEN_ROLES.map(() => ":---:").join(" | ")} |
${rows.join("\n")}

Public (no token): ${CREDENTIAL_MUTATIONS.map((m) => `\`${m}\``).join(", ")}.

\\* An operation may contain at most one mutation of a capability marked \\*, or of the public
credential mutations: one password guess or one money movement per request (HTTP 400,
\`TOO_MANY_SENSITIVE_MUTATIONS\`).

Rules that are not a role alone:

- **Revoking tokens**: any token may revoke itself; OWNER and ADMIN tokens may revoke any other
  token of their own account (\`tokens.revokeAny\`); a token of another account answers like a
  missing one (\`NotFoundError\`).
- **Proof of control** for \`linkAccount\`: the child's email and password, or an OWNER or ADMIN
  token of the child. A MEMBER, VIEWER or SERVICE token proves nothing.
- **Query fields never write.** The invitation get-or-create is the \`createInvitation\`
  mutation; the legacy \`GET /api/affiliate/invitation*\` paths run it.
`;
}
