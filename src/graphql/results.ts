/**
 * The one pattern of typed results: `<Name>Result` is a union of the success type (for a
 * mutation, `<Name>Payload`) and the typed errors a client can branch on. These give the
 * generated types their names and descriptions in one place.
 */
export const resultUnion = (name: string) => ({
  name: `${name}Result`,
  description: `What ${name.charAt(0).toLowerCase()}${name.slice(1)} answers: its result, or one of the typed errors a client can handle (all implement Error).`,
});

/** A mutation's success type: `<Name>Payload { <dataField> }`. */
export const payloadOf = (name: string, dataField: string) => ({
  result: { name: `${name}Payload`, description: `${name} succeeded: the ${dataField} it produced.` },
  dataField: { name: dataField, description: `The ${dataField} the mutation produced.` },
});

/** A field's typed errors: thrown errors of these classes become members of `<Name>Result`. */
export const typedErrors = (name: string, types: (new (...args: never[]) => Error)[]) => ({
  types,
  directResult: true as const,
  union: resultUnion(name),
});
