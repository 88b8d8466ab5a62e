import { builder } from "../../graphql/builder.ts";
import { typedErrors } from "../../graphql/results.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { recordInvitationVisit, setReferralFee } from "./analytics.service.ts";
import { feeBpsFromPercentage } from "./fee.ts";

const errors = (name: string) => typedErrors(name, [ValidationError, ForbiddenError, NotFoundError]);

const RecordInvitationVisitPayload = builder.objectRef<{ invitationId: number }>("RecordInvitationVisitPayload").implement({
  description: "RecordInvitationVisit succeeded (or the event was already counted).",
  fields: (t) => ({
    invitation: t.prismaField({
      type: "AffiliateInvitation",
      description: "The invitation, with its counts.",
      resolve: (query, p, _a, ctx) =>
        ctx.prisma.affiliateInvitation.findUniqueOrThrow({ ...query, where: { id: p.invitationId } }),
    }),
  }),
});

builder.mutationField("recordInvitationVisit", (t) =>
  t.field({
    authScopes: { can: "affiliate.manage" },
    type: RecordInvitationVisitPayload,
    description: "Service: the app saw a visit to an invitation link (counted once per event id).",
    errors: errors("RecordInvitationVisit"),
    args: {
      input: t.arg({
        required: true,
        description: "Which invitation, and the app's id of the visit.",
        type: builder.inputType("RecordInvitationVisitInput", {
          description: "A visit to an invitation link.",
          fields: (f) => ({
            code: f.string({ required: true, description: "The invitation's code (any case)." }),
            eventId: f.string({ required: true, description: "The app's id of the visit: a repeat counts once." }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => ({
      invitationId: await recordInvitationVisit(ctx.prisma, input.code, input.eventId),
    }),
  }),
);

const SetReferralFeePayload = builder.objectRef<{ referredAccountId: number }>("SetReferralFeePayload").implement({
  description: "SetReferralFee succeeded: the creator's sales pay the new fee from now on.",
  fields: (t) => ({
    referredAccountId: t.exposeInt("referredAccountId", { description: "The referred creator's legacy id." }),
  }),
});

builder.mutationField("setReferralFee", (t) =>
  t.field({
    authScopes: { can: "affiliate.manage" },
    type: SetReferralFeePayload,
    description: "Service: change the fee a referred creator's sales pay their referrer (kept in the fee history).",
    errors: errors("SetReferralFee"),
    args: {
      input: t.arg({
        required: true,
        description: "The referred creator and the new fee.",
        type: builder.inputType("SetReferralFeeInput", {
          description: "A referral's new fee.",
          fields: (f) => ({
            referredAccountId: f.int({ required: true, description: "The referred creator's legacy id." }),
            feePercentage: f.string({ required: true, description: 'A percentage from 0 to 10, e.g. "4.5".' }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      await setReferralFee(ctx.prisma, input.referredAccountId, feeBpsFromPercentage(input.feePercentage, "feePercentage"));
      return { referredAccountId: input.referredAccountId };
    },
  }),
);
