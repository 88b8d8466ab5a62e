// CI: fails when schema.graphql changed incompatibly since the previous commit and the commit
// does not declare it ("BREAKING CHANGE:" in its message, or an entry under a "Breaking"
// heading of CHANGELOG.md).   npm run schema:check [-- <base revision, default HEAD^>]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { breakingChanges, declared } from "./schema-change.ts";

const base = process.argv[2] ?? "HEAD^";
const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });

let before: string;
try {
  before = git("show", `${base}:schema.graphql`);
} catch {
  process.stdout.write(`no schema.graphql at ${base}: nothing to compare\n`);
  process.exit(0);
}
const breaking = await breakingChanges(before, fs.readFileSync("schema.graphql", "utf8"));
if (breaking.length === 0) {
  process.stdout.write(`schema.graphql: no breaking change since ${base}\n`);
  process.exit(0);
}
const list = breaking.map((m) => `  - ${m}`).join("\n");
if (declared(git("log", "-1", "--format=%B"), git("diff", base, "HEAD", "--", "CHANGELOG.md"))) {
  process.stdout.write(`schema.graphql: ${breaking.length} breaking change(s) since ${base}, declared:\n${list}\n`);
  process.exit(0);
}
process.stderr.write(
  `schema.graphql: ${breaking.length} undeclared breaking change(s) since ${base}:\n${list}\n` +
    `Declare them with a "BREAKING CHANGE:" line in the commit message or an entry under "### Breaking" in CHANGELOG.md.\n`,
);
process.exit(1);
