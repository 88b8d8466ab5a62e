import { builder } from "./builder.ts";
import "./errors.ts";
import "../modules/node/node.graphql.ts";
import "../modules/viewer/viewer.graphql.ts";
import "../modules/invoices/invoice.graphql.ts";
import "../modules/ledger/ledger.graphql.ts";
import "../modules/wallet/payout.graphql.ts";
import "../modules/wallet/wallet.graphql.ts";
import "../modules/wallet/movements.graphql.ts";
import "../modules/wallet/release-timeline.graphql.ts";
import "../modules/affiliate/affiliate.graphql.ts";
import "../modules/accounts/session.graphql.ts";
import "../modules/accounts/linked-accounts.graphql.ts";
import "../modules/catalog/catalog.graphql.ts";
import "../modules/dashboard/dashboard.graphql.ts";
import "../modules/report/report.graphql.ts";
import "../modules/cashout/cashout.graphql.ts";

export const schema = builder.toSchema({ sortSchema: true });
