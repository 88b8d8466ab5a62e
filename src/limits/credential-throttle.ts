import type { GraphQLContext } from "../graphql/context.ts";
import type { CredentialThrottle } from "../modules/accounts/login.service.ts";

/** The request's login limits (its client address, the shared store) as the login service sees them. */
export const credentialThrottle = (ctx: Pick<GraphQLContext, "rateLimits" | "clientAddress">): CredentialThrottle => ({
  attempt: (email) => ctx.rateLimits.loginAttempt(email, ctx.clientAddress),
});
