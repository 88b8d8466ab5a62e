import { CriticalityLevel, diff } from "@graphql-inspector/core";
import { buildSchema } from "graphql";

/** The breaking changes from one schema.graphql to the next (GraphQL Inspector's verdict). */
export async function breakingChanges(before: string, after: string): Promise<string[]> {
  const changes = await diff(buildSchema(before), buildSchema(after));
  return changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking).map((c) => c.message);
}

/**
 * A breaking change is declared by its commit: a "BREAKING CHANGE:" line in the message, or
 * a line added under a "Breaking" heading of CHANGELOG.md in the same commit.
 */
export function declared(commitMessage: string, changelogDiff: string): boolean {
  if (/^BREAKING CHANGE:/m.test(commitMessage)) return true;
  let inBreaking = false;
  for (const line of changelogDiff.split("\n")) {
    const heading = /^[+ ]#{2,4}\s+(.*)$/.exec(line);
    if (heading) inBreaking = /breaking/i.test(heading[1]!);
    else if (inBreaking && /^\+\s*[-*]\s+\S/.test(line)) return true;
  }
  return false;
}
