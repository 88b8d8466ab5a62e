import { builder } from "../../graphql/builder.ts";
import { Viewer } from "../viewer/viewer.graphql.ts";
import { issueTicket, TICKET_SECONDS } from "./stream-ticket.ts";

const EventStreamTicket = builder.objectRef<{ ticket: string; expiresAt: Date }>("EventStreamTicket").implement({
  description:
    "Opens live events from a browser's EventSource, which cannot send the token: " +
    "`new EventSource('/graphql?query=subscription...&ticket=' + ticket)`. Subscriptions only; " +
    "a reconnect (with Last-Event-ID) works until it expires, on any gateway; revoking the token ends it.",
  fields: (t) => ({
    ticket: t.exposeString("ticket", { description: "Pass as the `ticket` query parameter of the stream's URL." }),
    expiresAt: t.expose("expiresAt", {
      type: "DateTime",
      description: `When it stops opening streams (${TICKET_SECONDS / 60} minutes).`,
    }),
  }),
});

builder.objectField(Viewer, "eventStreamTicket", (t) =>
  t.field({
    type: EventStreamTicket,
    authScopes: { can: "wallet.read" },
    description: "A ticket for the viewer's live events in a browser (EventSource sends no headers).",
    resolve: (_viewer, _args, ctx) => issueTicket(ctx.prisma, ctx.viewer!),
  }),
);
