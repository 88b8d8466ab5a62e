import { lexicographicSortSchema, printSchema } from "graphql";
import { schema } from "./schema.ts";

/** The SDL committed as schema.graphql (sorted, so diffs show only real changes). */
export const printedSchema = (): string => `${printSchema(lexicographicSortSchema(schema))}\n`;
