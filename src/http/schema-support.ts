import { z } from 'zod';

/** Response schemas named in the OpenAPI document's components (and referenced there by `$ref`). */
export const apiComponents = z.registry<{ id: string }>();

export const timestamp = z.iso.datetime({ offset: true });
export const guid = z.guid();

type Equals<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
/** Interfaces, intersections and aliases compared member by member, all the way down. */
type Members<T> = T extends object ? { [K in keyof T]: Members<T[K]> } : T;

/**
 * Returns the schema, after checking at compile time that its output is exactly the type `T` the
 * handlers answer with: a field added, dropped, made optional or retyped on either side fails the
 * build here ("Expected 2 arguments"), so the published contract cannot drift from the code.
 */
export const describes =
  <T>() =>
  <S extends z.ZodType>(
    schema: S,
    ..._mismatch: Equals<Members<z.output<S>>, Members<T>> extends true ? [] : [never]
  ): S =>
    schema;
