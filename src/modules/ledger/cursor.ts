import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { InvalidCursorError } from "../errors.ts";

/**
 * Opaque keyset cursors: the position (createdAt, id) plus the order and a fingerprint of
 * the filters they were issued for, signed with a per-database HMAC key so a tampered
 * cursor is rejected instead of silently paging from somewhere else.
 */
export type LedgerOrder = "DATE_DESC" | "DATE_ASC";
export type Position = { createdAt: Date; id: number };
type Payload = { v: 1; o: "d" | "a"; f: string; t: number; i: number };

const keys = new WeakMap<object, Promise<Buffer>>();

/** The HMAC key, created once per database (settings table) and cached per client. */
export function cursorKey(prisma: PrismaClient): Promise<Buffer> {
  let key = keys.get(prisma);
  if (!key) {
    key = (async () => {
      // Read first: a read replica cannot write, and finds the key the primary made at start.
      const found = await prisma.setting.findUnique({ where: { key: "cursor.hmac_key" } });
      if (found) return Buffer.from(found.value as string, "hex");
      const candidate = randomBytes(32).toString("hex");
      await prisma.$executeRaw`INSERT INTO settings (key, value) VALUES ('cursor.hmac_key', to_jsonb(${candidate}::text)) ON CONFLICT (key) DO NOTHING`;
      const row = await prisma.setting.findUniqueOrThrow({ where: { key: "cursor.hmac_key" } });
      return Buffer.from(row.value as string, "hex");
    })();
    key.catch(() => keys.delete(prisma));
    keys.set(prisma, key);
  }
  return key;
}

export const filterFingerprint = (filter: unknown): string =>
  createHash("sha256")
    .update(JSON.stringify(filter ?? null))
    .digest("base64url")
    .slice(0, 12);

const sign = (key: Buffer, body: string) => createHmac("sha256", key).update(body).digest("base64url").slice(0, 22);

export function encodeCursor(key: Buffer, order: LedgerOrder, fingerprint: string, at: Position): string {
  const payload: Payload = { v: 1, o: order === "DATE_DESC" ? "d" : "a", f: fingerprint, t: at.createdAt.getTime(), i: at.id };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${sign(key, body)}`;
}

/** A cursor whose signature and order were checked; its fingerprint still has to match the request's. */
export type ReadCursor = { position: Position; fingerprint: string; argument: "after" | "before" };

/** Checks a cursor's signature and order (not yet what it was issued for: see expectFingerprint). */
export function readCursor(
  key: Buffer,
  cursor: string,
  expected: { order: LedgerOrder; argument: "after" | "before" },
): ReadCursor {
  const malformed = new InvalidCursorError("MALFORMED", expected.argument);
  const [body, signature, extra] = cursor.split(".");
  if (!body || !signature || extra !== undefined || cursor.length > 400) throw malformed;
  const good = Buffer.from(sign(key, body));
  const given = Buffer.from(signature);
  if (good.length !== given.length || !timingSafeEqual(good, given)) throw malformed;
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Payload;
  } catch {
    throw malformed;
  }
  if (payload.v !== 1 || !Number.isSafeInteger(payload.t) || !Number.isSafeInteger(payload.i)) throw malformed;
  if (payload.o !== (expected.order === "DATE_DESC" ? "d" : "a"))
    throw new InvalidCursorError("ORDER_MISMATCH", expected.argument);
  return { position: { createdAt: new Date(payload.t), id: payload.i }, fingerprint: payload.f, argument: expected.argument };
}

/** The cursor's position if it was issued for this fingerprint (wallet and filter). */
export function expectFingerprint(cursor: ReadCursor, fingerprint: string): Position {
  if (cursor.fingerprint !== fingerprint) throw new InvalidCursorError("FILTER_MISMATCH", cursor.argument);
  return cursor.position;
}

export function decodeCursor(
  key: Buffer,
  cursor: string,
  expected: { order: LedgerOrder; fingerprint: string; argument: "after" | "before" },
): Position {
  return expectFingerprint(readCursor(key, cursor, expected), expected.fingerprint);
}

export type Edge<N> = { readonly cursor: string; node: N };
export type CursorPageInfo = {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
};

/**
 * A page's edges and pageInfo whose cursors are signed only when read: a client that selects
 * only `pageInfo { endCursor }` costs one HMAC per page, not one per edge.
 */
export function lazyPage<N>(
  nodes: N[],
  encode: (node: N) => string,
  more: { hasNextPage: boolean; hasPreviousPage: boolean },
): { edges: Edge<N>[]; pageInfo: CursorPageInfo } {
  const edges = nodes.map((node) => {
    let cursor: string | undefined;
    return {
      node,
      get cursor() {
        return (cursor ??= encode(node));
      },
    };
  });
  return {
    edges,
    pageInfo: {
      ...more,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}
