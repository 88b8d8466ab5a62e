// Used only by `prisma generate`: the database URL is given to the client at run time
// through a driver adapter (src/db/client.ts), and migrations are applied by our own
// runner (src/db/migrate.ts), so no datasource URL is needed here.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
