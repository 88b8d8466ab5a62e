// Writes schema.graphql from the Pothos schema: `npm run schema:print`.
import fs from "node:fs";
import { printedSchema } from "../src/graphql/print-schema.ts";

const target = new URL("../schema.graphql", import.meta.url);
const next = printedSchema();
const previous = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
fs.writeFileSync(target, next);
process.stdout.write(previous === next ? "schema.graphql is up to date\n" : "schema.graphql updated\n");
