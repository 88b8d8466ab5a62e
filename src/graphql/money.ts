/** Minor units leave the process as 53-bit safe integers; anything larger is a bug, not a rounding. */
export function safeMinorUnits(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`amount ${value} exceeds the 53-bit safe integer range`);
  }
  return Number(value);
}
