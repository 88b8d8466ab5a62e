import { builder } from "./builder.ts";
import "./errors.ts";
import "../modules/viewer/viewer.graphql.ts";

export const schema = builder.toSchema({ sortSchema: true });
