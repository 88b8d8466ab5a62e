import {
  ChildSessionDocument,
  LinkAccountDocument,
  LinkedAccountsDocument,
  UnlinkAccountDocument,
} from "../../generated/graphql.ts";
import { accountGroupBody } from "../account-group-body.ts";
import { jsonBody, stringField, validationMessage } from "../body.ts";
import { legacyError, legacyOk } from "../legacy-envelope.ts";
import { legacyOkSchema, ref } from "../openapi-schemas.ts";
import { type Route, route } from "../route.ts";
import { RouteParamError } from "../route-param-error.ts";
import { sessionBody } from "./session.routes.ts";

type Failure = { __typename: string; message: string; fields?: { field: string; message: string }[] };
const STATUS: Record<string, number> = { NotFoundError: 404, ForbiddenError: 403 };
const failure = (f: Failure) =>
  legacyError(
    STATUS[f.__typename] ?? 422,
    f.__typename === "ValidationError" ? validationMessage(f.fields, f.message) : f.message,
  );

function childId(params: Record<string, string>) {
  const id = params.childId ?? "";
  if (!/^[1-9]\d{0,9}$/.test(id)) throw new RouteParamError("The child id must be a positive integer.");
  return { childId: Number(id) };
}

const PATH = "/api/user/linked-accounts";

export const linkedAccountRoutes: Route[] = [
  route({
    method: "GET",
    path: PATH,
    surface: "legacy",
    doc: { summary: "The caller's account group", response: legacyOkSchema(ref("AccountGroup")) },
    operation: LinkedAccountsDocument,
    variables: () => ({}),
    respond: ({ viewer }) => legacyOk(accountGroupBody(viewer.accountGroup)),
  }),
  route({
    method: "POST",
    path: PATH,
    surface: "legacy",
    doc: {
      summary: "Link a child account (proof of control: its email and password, or an OWNER/ADMIN token of it)",
      body: {
        type: "object",
        properties: { email: { type: "string" }, password: { type: "string" }, token: { type: "string" } },
      },
      response: legacyOkSchema(ref("AccountGroup")),
    },
    operation: LinkAccountDocument,
    variables: async (req) => {
      const body = await jsonBody(req);
      return {
        input: {
          email: stringField(body, "email") ?? null,
          password: stringField(body, "password") ?? null,
          token: stringField(body, "token") ?? null,
        },
      };
    },
    respond: ({ linkAccount: r }) =>
      r.__typename === "LinkAccountPayload" ? legacyOk(accountGroupBody(r.accountGroup)) : failure(r as Failure),
  }),
  route({
    method: "DELETE",
    path: `${PATH}/:childId`,
    surface: "legacy",
    doc: { summary: "Unlink a child account (the master only)", response: legacyOkSchema(ref("AccountGroup")) },
    operation: UnlinkAccountDocument,
    variables: (_req, _url, params) => childId(params),
    respond: ({ unlinkAccount: r }) =>
      r.__typename === "UnlinkAccountPayload" ? legacyOk(accountGroupBody(r.accountGroup)) : failure(r as Failure),
  }),
  route({
    method: "POST",
    path: `${PATH}/:childId/session`,
    surface: "legacy",
    doc: { summary: "A token to act as a linked child (the master only)", response: legacyOkSchema(ref("Session")) },
    operation: ChildSessionDocument,
    variables: (_req, _url, params) => childId(params),
    respond: ({ createChildSession: r }) =>
      r.__typename === "CreateChildSessionPayload" ? legacyOk(sessionBody(r.session)) : failure(r as Failure),
  }),
];
