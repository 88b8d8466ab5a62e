import { z } from "zod";

/** A positive amount of minor units that survives the trip through JSON and GraphQL. */
export const PositiveMinorUnits = z
  .number()
  .int("must be an integer number of minor units")
  .positive("must be greater than zero")
  .max(Number.MAX_SAFE_INTEGER, "is too large");

export const ExternalId = z.string().trim().min(1, "is required").max(200);
export const Title = z.string().trim().min(1).max(200);
