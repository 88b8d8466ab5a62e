import type { Route } from "../route.ts";
import { affiliateRoutes } from "./affiliate.routes.ts";
import { dashboardRoutes } from "./dashboard.routes.ts";
import { linkedAccountRoutes } from "./linked-accounts.routes.ts";
import { sessionRoutes } from "./session.routes.ts";
import { statementRoutes } from "./statement.routes.ts";
import { statsRoutes } from "./stats.routes.ts";
import { studioRoutes } from "./studio.routes.ts";
import { walletRoutes } from "./wallet.routes.ts";

/** Every legacy REST path the gateway serves. */
export const restRoutes: Route[] = [
  ...walletRoutes,
  ...affiliateRoutes,
  ...sessionRoutes,
  ...dashboardRoutes,
  ...linkedAccountRoutes,
  ...studioRoutes,
  ...statsRoutes,
  ...statementRoutes,
];
