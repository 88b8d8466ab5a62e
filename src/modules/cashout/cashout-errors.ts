import { DomainError } from "../errors.ts";
import type { CashoutBlock } from "./cashout-rules.ts";

/** A cashout the rules refuse for a reason other than an empty balance: every reason, with its message. */
export class CashoutBlockedError extends DomainError {
  override name = "CashoutBlockedError";
  override readonly code = "CASHOUT_BLOCKED";
  constructor(readonly blocks: CashoutBlock[]) {
    super(blocks.map((b) => b.message).join(" "));
  }
}
