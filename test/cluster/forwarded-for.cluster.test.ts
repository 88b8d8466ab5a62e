import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ADDRESSES } from "./helpers.ts";

const REGISTRATIONS_PER_ADDRESS_PER_HOUR = 10; // the default

describe("the client's address behind nginx (TRUST_PROXY=true)", () => {
  it("a client cannot pick its address with a forged X-Forwarded-For: its per-address registration budget is spent all the same", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < REGISTRATIONS_PER_ADDRESS_PER_HOUR + 2; i++) {
      const res = await fetch(`${ADDRESSES.balancer}/api/register`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `203.0.113.${i + 1}` },
        body: JSON.stringify({
          email: `xff-${randomUUID()}@test.example`,
          password: "long-enough-1",
          display_name: "X",
          currency: "USD",
        }),
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.slice(0, REGISTRATIONS_PER_ADDRESS_PER_HOUR)).toEqual(Array(REGISTRATIONS_PER_ADDRESS_PER_HOUR).fill(200));
    expect(statuses.slice(REGISTRATIONS_PER_ADDRESS_PER_HOUR)).toEqual([429, 429]);
  });
});
