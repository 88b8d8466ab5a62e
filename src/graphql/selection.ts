import {
  type FieldNode,
  getArgumentValues,
  getNamedType,
  type GraphQLResolveInfo,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from "graphql";

/**
 * The arguments of the `name` fields selected right under the field being resolved (through
 * inline fragments and fragment spreads), coerced as the executor will hand them to that
 * field's resolver; distinct sets only. Null when that cannot be known ahead: a selection
 * under a directive (@include, @skip) or a return type that is not an object type.
 */
export function childFieldArguments(info: GraphQLResolveInfo, name: string): Record<string, unknown>[] | null {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return null;
  const field = type.getFields()[name];
  if (!field) return null;
  const found: FieldNode[] = [];
  let knowable = true;
  const visit = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.directives?.length) knowable = false;
      else if (selection.kind === Kind.FIELD) {
        if (selection.name.value === name) found.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else visit(info.fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  if (!knowable) return null;
  const distinct = new Map<string, Record<string, unknown>>();
  for (const node of found) {
    const args = getArgumentValues(field, node, info.variableValues);
    distinct.set(JSON.stringify(args), args);
  }
  return [...distinct.values()];
}
