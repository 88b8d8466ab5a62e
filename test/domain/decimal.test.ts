import { describe, expect, it } from "vitest";
import { decimalText } from "../../src/modules/decimal.ts";
import { formatMoney } from "../../src/modules/report/money-format.ts";
import { unitsFromMinor } from "../../src/rest/formatting.ts";

describe("exact decimal rendering of integers (money and rates)", () => {
  it("renders minor units as the shortest exact decimal", () => {
    expect([decimalText(12345n, 2), decimalText(-50n, 2), decimalText(700n, 2), decimalText(5n, 2), decimalText(0n, 4)]).toEqual([
      "123.45",
      "-0.5",
      "7",
      "0.05",
      "0",
    ]);
    // As the Studio API sends them: JSON numbers whose text is the exact decimal.
    expect(JSON.stringify([unitsFromMinor(-119455, 2), unitsFromMinor(118450, 2), unitsFromMinor(123456789012345, 2)])).toBe(
      "[-1194.55,1184.5,1234567890123.45]",
    );
  });

  it("formats money with sign, symbol, thousands separators and every minor digit", () => {
    expect(formatMoney(-123450n, { symbol: "$", minorUnits: 2 })).toBe("-$1,234.50");
    expect(formatMoney(5n, { symbol: "€", minorUnits: 2 })).toBe("€0.05");
    expect(formatMoney(123456789n, { symbol: "¥", minorUnits: 0 })).toBe("¥123,456,789");
    expect(formatMoney(0n, { symbol: "£", minorUnits: 2 })).toBe("£0.00");
  });
});
