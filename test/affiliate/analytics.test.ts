import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql } from "../helpers/app.ts";
import { createCreator, uniqueEmail } from "../helpers/factories.ts";
import { legacy } from "../helpers/legacy.ts";
import { mutate, openWalletServer, recordSale, type Service } from "../helpers/money.ts";

type Invited = {
  accountId: number;
  revenue: { amount: number };
  feePercentage: string;
  firstEarningAt: string | null;
  feeHistory: { feePercentage: string; changedAt: string }[];
};

const ANALYTICS = `query($fee: Int) { viewer { affiliate {
  invitation(feeBasisPoints: $fee) { ... on Invitation { registrations conversion { visits registrations firstEarnings visitToRegistration registrationToFirstEarning } } }
  invited { ... on InvitedConnection { nodes { accountId revenue { amount } feePercentage firstEarningAt feeHistory { feePercentage changedAt } } } } } } }`;
const VISIT = `mutation($input: RecordInvitationVisitInput!) { recordInvitationVisit(input: $input) { __typename
  ... on RecordInvitationVisitPayload { invitation { conversion { visits } } } ... on Error { code } } }`;
const SET_FEE = `mutation($input: SetReferralFeeInput!) { setReferralFee(input: $input) { __typename ... on Error { code message } } }`;

describe("affiliate analytics: per invited creator and per invitation", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  it("reports revenue, fee history and first earning per creator, and the visit -> registration -> earning funnel", async () => {
    const me = await createCreator(db);
    const code = (await legacy(url, "/api/affiliate/invitation/code?fee_percentage=4", { token: me.token })).body.data
      .code as string;
    const visits = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const eventId of [...visits, visits[0]!]) {
      await mutate(url, service.token, VISIT, { input: { code: code.toLowerCase(), eventId } }); // a repeated event counts once
    }
    const joined: number[] = [];
    for (const name of ["One", "Two"]) {
      const res = await legacy(url, "/api/register", {
        body: { email: uniqueEmail("invited"), password: "password123", display_name: name, currency: "USD", invite_code: code },
      });
      joined.push(res.body.data.user.id as number);
    }
    const before = Date.now();
    await recordSale(url, service.token, joined[0]!, 2500); // 4 % -> 100
    expect(await mutate(url, service.token, SET_FEE, { input: { referredAccountId: joined[0]!, feePercentage: "6.5" } })).toEqual(
      {
        __typename: "SetReferralFeePayload",
      },
    );
    await recordSale(url, service.token, joined[0]!, 1000); // 6.5 % -> 65

    const res = await gql<{
      viewer: { affiliate: { invitation: { registrations: number; conversion: unknown }; invited: { nodes: Invited[] } } };
    }>(url, ANALYTICS, { token: me.token, variables: { fee: 400 } });
    const { invitation, invited } = res.body.data!.viewer.affiliate;
    expect(invitation).toEqual({
      registrations: 2,
      conversion: {
        visits: 4,
        registrations: 2,
        firstEarnings: 1,
        visitToRegistration: "0.5",
        registrationToFirstEarning: "0.5",
      },
    });
    const [first, second] = invited.nodes;
    expect(first).toMatchObject({ accountId: joined[0], revenue: { amount: 165 }, feePercentage: "6.5" });
    expect(first!.feeHistory.map((f) => f.feePercentage)).toEqual(["4", "6.5"]);
    expect(Date.parse(first!.feeHistory[1]!.changedAt)).toBeGreaterThanOrEqual(Date.parse(first!.feeHistory[0]!.changedAt));
    expect(Date.parse(first!.firstEarningAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(second).toEqual({
      accountId: joined[1],
      revenue: { amount: 0 },
      feePercentage: "4",
      firstEarningAt: null,
      feeHistory: [{ feePercentage: "4", changedAt: expect.any(String) }],
    });
  });

  it("refuses unknown invitations and creators, bad fees, and callers that are not services", async () => {
    const me = await createCreator(db);
    expect(await mutate(url, service.token, VISIT, { input: { code: "NOSUCHCODE", eventId: randomUUID() } })).toEqual({
      __typename: "NotFoundError",
      code: "NOT_FOUND",
    });
    expect(await mutate(url, service.token, SET_FEE, { input: { referredAccountId: me.id, feePercentage: "5" } })).toMatchObject({
      __typename: "NotFoundError",
    });
    expect(await mutate(url, service.token, SET_FEE, { input: { referredAccountId: me.id, feePercentage: "11" } })).toMatchObject(
      {
        __typename: "ValidationError",
      },
    );
    expect(await mutate(url, me.token, SET_FEE, { input: { referredAccountId: me.id, feePercentage: "5" } })).toMatchObject({
      __typename: "ForbiddenError",
    });
  });
});
