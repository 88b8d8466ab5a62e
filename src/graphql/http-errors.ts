import { GraphQLError } from "graphql";

/** 401 on every surface: GraphQL responses carry it as the HTTP status and extensions.code. */
export const unauthenticated = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
