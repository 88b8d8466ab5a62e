// How a frontend gets typed operations: write them with the generated `graphql()` function
// (GraphQL Code Generator's client preset, configured in codegen.ts to read schema.graphql), and
// every result and variable is typed. `npm run generate` writes docs/client/generated/;
// `npm run typecheck` checks this file against it; test/graphql/client-example.test.ts runs
// every operation below against a real server. One example per type of the schema's entities.
import { graphql } from "./generated/index.ts";

/** Account, Wallet, Transaction, Payout: the viewer's balances and newest entries, with the Relay cursor. */
export const WalletOverview = graphql(`
  query WalletOverview($first: Int = 5, $after: String) {
    viewer {
      account {
        id
        legacyId
        displayName
        currency {
          code
          minorUnits
        }
      }
      wallet {
        id
        available {
          amount
          formatted
        }
        hold {
          amount
          formatted
        }
        pending {
          amount
          formatted
        }
        total {
          amount
          formatted
        }
        transactions(first: $first, after: $after) {
          __typename
          ... on TransactionConnection {
            pageInfo {
              hasNextPage
              endCursor
            }
            edges {
              cursor
              node {
                id
                legacyId
                amount {
                  amount
                  formatted
                }
                type
                status
                createdAt
                payout {
                  id
                  status
                }
              }
            }
          }
          ... on Error {
            code
            message
          }
        }
      }
    }
  }
`);

/** Invitation: get or create the invitation for a fee (a mutation: queries never write). */
export const CreateInvitation = graphql(`
  mutation CreateInvitation($fee: Int) {
    createInvitation(input: { feeBasisPoints: $fee }) {
      __typename
      ... on CreateInvitationPayload {
        invitation {
          id
          code
          url
          feePercentage
          registrations
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

/** DashboardSummary and the agency group: KPIs and every account's wallet in one request. */
export const AgencyOverview = graphql(`
  query AgencyOverview {
    viewer {
      dashboard {
        totalUnlocks
        overallConversionRate
        topPerforming {
          productId
          title
          unlocks
        }
      }
      accountGroup {
        role
        accounts {
          id
          displayName
          wallet {
            id
            available {
              amount
              formatted
            }
          }
        }
      }
    }
  }
`);

/** Invoice and InvoiceLineItem: the organisation report's rows with their invoices. */
export const ReportWithInvoices = graphql(`
  query ReportWithInvoices($perPage: Int = 10) {
    transactionReport(perPage: $perPage) {
      __typename
      ... on TransactionReport {
        rowCount
        rows {
          id
          formattedAmount
          invoice {
            id
            status
            lineItems {
              id
              amount {
                amount
                formatted
              }
            }
          }
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

/** Any entity again by its global id (Product and ShortLink included): Relay's refetch. */
export const Refetch = graphql(`
  query Refetch($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Wallet {
        available {
          amount
          formatted
        }
      }
      ... on Transaction {
        amount {
          amount
          formatted
        }
      }
      ... on Invitation {
        code
      }
      ... on Product {
        title
        unlocks
      }
      ... on ShortLink {
        slug
        views
      }
    }
  }
`);
