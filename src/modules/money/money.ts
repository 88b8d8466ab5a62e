/** An amount as it meets a client: integer minor units and the currency they are of. */
export type MoneyValue = { minor: bigint; currencyId: number };

export const money = (minor: bigint | number, currencyId: number): MoneyValue => ({ minor: BigInt(minor), currencyId });
