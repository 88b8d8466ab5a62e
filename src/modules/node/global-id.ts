/**
 * Relay global object ids: opaque base64url of "<Type>:<integer id>". Anything that does not
 * decode to a known type and a positive integer is simply not an id (node() answers null).
 */
export const NODE_TYPES = [
  "Account",
  "Wallet",
  "Transaction",
  "Payout",
  "Invoice",
  "InvoiceLineItem",
  "Invitation",
  "Product",
  "ShortLink",
] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

export const toGlobalId = (type: NodeTypeName, id: number): string => Buffer.from(`${type}:${id}`).toString("base64url");

export function fromGlobalId(globalId: string): { type: NodeTypeName; id: number } | null {
  if (globalId.length > 64 || !/^[A-Za-z0-9_-]+={0,2}$/.test(globalId)) return null;
  const match = /^([A-Za-z]+):([1-9]\d{0,9})$/.exec(Buffer.from(globalId, "base64url").toString("utf8"));
  if (!match || !(NODE_TYPES as readonly string[]).includes(match[1]!)) return null;
  const id = Number(match[2]);
  return id <= 2_147_483_647 ? { type: match[1] as NodeTypeName, id } : null;
}
