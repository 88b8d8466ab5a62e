// Writes docs/permissions.md from the permission table: `npm run docs:permissions`.
import fs from "node:fs";
import { permissionsDocument } from "../src/modules/accounts/permissions-doc.ts";

const target = new URL("../docs/permissions.md", import.meta.url);
const next = permissionsDocument();
const previous = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
fs.writeFileSync(target, next);
process.stdout.write(previous === next ? "docs/permissions.md is up to date\n" : "docs/permissions.md updated\n");
