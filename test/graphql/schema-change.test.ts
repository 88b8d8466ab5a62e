import { describe, expect, it } from "vitest";
import { breakingChanges, declared } from "../../scripts/schema-change.ts";

const BEFORE = `type Query { wallet: Wallet }
type Wallet { id: ID! available: Int! }`;

describe("the schema change check (CI's schema:check)", () => {
  it("finds a removed field and a changed type as breaking, an added field as not", async () => {
    expect(
      await breakingChanges(BEFORE, `type Query { wallet: Wallet }\ntype Wallet { id: ID! available: Int! hold: Int }`),
    ).toEqual([]);
    expect(await breakingChanges(BEFORE, `type Query { wallet: Wallet }\ntype Wallet { id: ID! }`)).toEqual([
      "Field 'available' was removed from object type 'Wallet'",
    ]);
    expect(await breakingChanges(BEFORE, `type Query { wallet: Wallet }\ntype Wallet { id: ID! available: String! }`)).toEqual([
      "Field 'Wallet.available' changed type from 'Int!' to 'String!'",
    ]);
  });

  it("accepts a breaking change only when the commit message or a CHANGELOG 'Breaking' entry declares it", () => {
    expect(declared("Rename fields\n\nBREAKING CHANGE: Wallet.available is gone", "")).toBe(true);
    expect(declared("Rename fields", "")).toBe(false);
    const changelog = ["@@ -1,3 +1,5 @@", " ## Unreleased", "+### Breaking", "+- Wallet.available removed"].join("\n");
    expect(declared("Rename fields", changelog)).toBe(true);
    const notBreaking = ["@@ -1,3 +1,5 @@", " ## Unreleased", "+### Added", "+- Wallet.hold"].join("\n");
    expect(declared("Rename fields", notBreaking)).toBe(false);
  });
});
