import {
  LegacyLoginBatchDocument,
  LegacyLoginDocument,
  LegacyRegisterDocument,
  type SessionFieldsFragment,
} from "../../generated/graphql.ts";
import { feeBpsFromPercentage } from "../../modules/affiliate/fee.ts";
import { ValidationError } from "../../modules/errors.ts";
import { jsonBody, stringField, validationMessage } from "../body.ts";
import { accountGroupBody } from "../account-group-body.ts";
import { legacyError, legacyOk } from "../legacy-envelope.ts";
import { legacyOkSchema, ref } from "../openapi-schemas.ts";
import { type Route, route } from "../route.ts";
import { RouteParamError } from "../route-param-error.ts";

/** What the legacy apps get after register and login: token, user, account_group. */
export function sessionBody(s: SessionFieldsFragment) {
  return {
    token: s.token,
    user: {
      id: s.account.id,
      email: s.account.email,
      display_name: s.account.displayName,
      currency_code: s.account.currency.code,
    },
    account_group: accountGroupBody(s.accountGroup),
  };
}

function optionalInt(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1)
    throw new RouteParamError(`The ${name} field must be a positive integer.`);
  return n;
}

async function registerVariables(req: Request) {
  const body = await jsonBody(req);
  const inviteCode = stringField(body, "invite_code");
  const masterId = optionalInt(body, "master_id");
  if (inviteCode !== undefined && masterId !== undefined) {
    throw new RouteParamError("The invite_code and master_id fields cannot be used together: send one of them.");
  }
  let feeBasisPoints: number | undefined;
  if (
    body.fee_percentage !== undefined &&
    body.fee_percentage !== null &&
    body.fee_percentage !== "" &&
    inviteCode === undefined
  ) {
    try {
      feeBasisPoints = feeBpsFromPercentage(body.fee_percentage);
    } catch (err) {
      if (err instanceof ValidationError) throw new RouteParamError(`The fee_percentage field ${err.problems[0]!.message}.`);
      throw err;
    }
  }
  return {
    input: {
      email: stringField(body, "email", true)!,
      password: stringField(body, "password", true)!,
      displayName: (stringField(body, "display_name") ?? stringField(body, "name", true))!,
      currency: (stringField(body, "currency") ?? stringField(body, "currency_code", true))!,
      inviteCode: inviteCode ?? null,
      masterId: masterId ?? null,
      feeBasisPoints: feeBasisPoints ?? null,
    },
  };
}

const credentials = (body: Record<string, unknown>) => ({
  email: stringField(body, "email", true)!,
  password: stringField(body, "password", true)!,
});

type Failure = { __typename: string; message: string; fields?: { field: string; message: string }[] };

/** Register/login failures: validation 422, wrong credentials 401, the rest 422 with their message. */
function failure(result: Failure): Response {
  if (result.__typename === "ValidationError") return legacyError(422, validationMessage(result.fields, result.message));
  if (result.__typename === "InvalidCredentialsError") return legacyError(401, result.message);
  return legacyError(422, result.message);
}

export const sessionRoutes: Route[] = [
  route({
    method: "POST",
    path: "/api/register",
    surface: "legacy",
    doc: {
      summary: "Create an account and its wallet; answers a session",
      public: true,
      body: {
        type: "object",
        required: ["email", "password", "display_name", "currency"],
        properties: {
          email: { type: "string", format: "email" },
          password: { type: "string", minLength: 8 },
          display_name: { type: "string", description: "Also accepted as `name`." },
          currency: { type: "string", description: "ISO 4217 code; also accepted as `currency_code`." },
          invite_code: { type: "string", description: "An affiliate invitation code." },
          fee_percentage: { type: "number", description: "Without invite_code: the fee of the caller's own invitations." },
          master_id: { type: "integer", description: "Register as a child of this master (not with invite_code)." },
        },
      },
      response: legacyOkSchema(ref("Session")),
    },
    operation: LegacyRegisterDocument,
    variables: registerVariables,
    respond: ({ register }) =>
      register.__typename === "RegisterPayload" ? legacyOk(sessionBody(register.session)) : failure(register as Failure),
  }),
  route({
    method: "POST",
    path: "/api/login",
    surface: "legacy",
    doc: {
      summary: "Log in with email and password; answers a session",
      public: true,
      body: {
        type: "object",
        required: ["email", "password"],
        properties: { email: { type: "string" }, password: { type: "string" } },
      },
      response: legacyOkSchema(ref("Session")),
    },
    operation: LegacyLoginDocument,
    variables: async (req) => ({ input: credentials(await jsonBody(req)) }),
    respond: ({ login }) =>
      login.__typename === "LoginPayload" ? legacyOk(sessionBody(login.session)) : failure(login as Failure),
  }),
  route({
    method: "POST",
    path: "/api/login/batch",
    surface: "legacy",
    doc: {
      summary: "Log in to several accounts at once (one row per account)",
      public: true,
      body: {
        type: "object",
        required: ["accounts"],
        properties: {
          accounts: {
            type: "array",
            items: { type: "object", properties: { email: { type: "string" }, password: { type: "string" } } },
          },
        },
      },
      response: legacyOkSchema(ref("BatchLogin")),
    },
    operation: LegacyLoginBatchDocument,
    variables: async (req) => {
      const accounts = (await jsonBody(req)).accounts;
      if (!Array.isArray(accounts)) throw new RouteParamError("The accounts field must be a list of {email, password}.");
      return {
        input: {
          accounts: accounts.map((row, i) => {
            if (!row || typeof row !== "object") throw new RouteParamError(`The accounts.${i} field must be an object.`);
            const r = row as Record<string, unknown>;
            return {
              email: typeof r.email === "string" ? r.email : "",
              password: typeof r.password === "string" ? r.password : "",
            };
          }),
        },
      };
    },
    respond: ({ loginBatch }) => {
      if (loginBatch.__typename !== "LoginBatchPayload") return failure(loginBatch as Failure);
      return legacyOk(
        loginBatch.rows.map((row) =>
          row.session
            ? { email: row.email, success: true, errors_message: null, ...sessionBody(row.session) }
            : { email: row.email, success: false, errors_message: row.errorMessage },
        ),
      );
    },
  }),
];
