import { AffiliateInvitationDocument, AffiliateInvitedDocument } from "../../generated/graphql.ts";
import { feeBpsFromPercentage, percentageFromBps } from "../../modules/affiliate/fee.ts";
import { ValidationError } from "../../modules/errors.ts";
import { legacyError, legacyOk } from "../legacy-envelope.ts";
import { legacyOkSchema, ref } from "../openapi-schemas.ts";
import { type Route, route } from "../route.ts";
import { RouteParamError } from "../route-param-error.ts";

/** ?fee_percentage= -> basis points (0..10 %, at most two decimals); absent -> the default fee. */
function feeVariables(_req: Request, url: URL) {
  const raw = url.searchParams.get("fee_percentage");
  if (raw === null || raw === "") return { feeBasisPoints: null };
  try {
    return { feeBasisPoints: feeBpsFromPercentage(raw) };
  } catch (err) {
    if (err instanceof ValidationError) throw new RouteParamError(`The fee_percentage field ${err.problems[0]!.message}.`);
    throw err;
  }
}

const invitationFailure = (r: { __typename: string; message?: string }) =>
  legacyError(r.__typename === "ForbiddenError" ? 403 : 422, r.message ?? "Invalid request.");

export const affiliateRoutes: Route[] = [
  route({
    method: "GET",
    path: "/api/affiliate/invitation",
    surface: "legacy",
    doc: {
      summary: "The invitation link for a fee (created on first use)",
      query: {
        fee_percentage: {
          description: "The referrer's fee in percent (0 to 10, two decimals at most); default: the configured fee.",
          schema: { type: "number", minimum: 0, maximum: 10 },
        },
      },
      response: legacyOkSchema({ type: "string", format: "uri" }),
    },
    operation: AffiliateInvitationDocument,
    variables: feeVariables,
    respond: ({ createInvitation: r }) =>
      r.__typename === "CreateInvitationPayload" ? legacyOk(r.invitation.url) : invitationFailure(r),
  }),
  route({
    method: "GET",
    path: "/api/affiliate/invitation/code",
    surface: "legacy",
    doc: {
      summary: "The invitation code for a fee (created on first use)",
      query: {
        fee_percentage: {
          description: "The referrer's fee in percent (0 to 10, two decimals at most); default: the configured fee.",
          schema: { type: "number", minimum: 0, maximum: 10 },
        },
      },
      response: legacyOkSchema({ type: "object", required: ["code"], properties: { code: { type: "string" } } }),
    },
    operation: AffiliateInvitationDocument,
    variables: feeVariables,
    respond: ({ createInvitation: r }) =>
      r.__typename === "CreateInvitationPayload" ? legacyOk({ code: r.invitation.code }) : invitationFailure(r),
  }),
  route({
    method: "GET",
    path: "/api/affiliate/invited",
    surface: "legacy",
    doc: {
      summary: "Creators who registered with the caller's invitations",
      response: legacyOkSchema({ type: "array", items: ref("InvitedCreator") }),
    },
    operation: AffiliateInvitedDocument,
    variables: () => ({}),
    respond: ({ viewer: { affiliate } }) =>
      affiliate.invited.__typename === "InvitedConnection"
        ? legacyOk(
            affiliate.invited.nodes.map((n) => ({
              id: n.accountId,
              email: n.email,
              fee_percentage: percentageFromBps(n.feeBasisPoints),
            })),
          )
        : legacyError(422, affiliate.invited.message),
  }),
];
