import { afterAll } from "vitest";
import { closeTestDatabase } from "./db.ts";

// Runs in every test file: its database is closed and its copy removed when the file is done.
afterAll(closeTestDatabase);
