import fc from 'fast-check';

type Schema = Record<string, any>;

export interface SchemaArbitraryOptions {
  /** The exact check of a value against a schema (formats, patterns, oneOf): valid values are filtered by it. */
  validate: (schema: Schema) => (value: unknown) => boolean;
}

/**
 * fast-check arbitraries from the JSON Schemas (draft 2020-12) of an OpenAPI document's requests:
 * types string/integer/number/boolean/object/array, enum and const, pattern (several, via allOf),
 * formats date, date-time, email and uri, oneOf/anyOf, required, additionalProperties false,
 * minLength/maxLength and minimum/maximum. Each generator proposes likely candidates; the exact
 * validator filters them, so a value called valid is valid by the document, not by this file.
 */
export function validValue(schema: Schema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  const exact = options.validate(schema);
  const branches: Schema[] | undefined = schema.oneOf ?? schema.anyOf;
  if (branches) {
    const { oneOf: _oneOf, anyOf: _anyOf, ...base } = schema;
    return fc.oneof(...branches.map((branch) => candidate(merge(base, branch), options))).filter(exact);
  }
  return candidate(schema, options).filter(exact);
}

/** Anything JSON, biased towards near misses of the schema: other types, bounds crossed, patterns missed, unknown or missing properties. */
export function anyValue(schema: Schema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: nearMiss(schema, options) },
    { weight: 1, arbitrary: validValue(schema, options) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

/** A query or path parameter's value as any client could send it: near misses of the schema, or any text. */
export function anyParameterText(schema: Schema, options: SchemaArbitraryOptions): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: anyValue(schema, options).map(text) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  );
}

/** How a value travels in a query string or path: numbers and strings as they are, anything else as JSON. */
export const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function merge(base: Schema, branch: Schema): Schema {
  const required = [...new Set([...(base.required ?? []), ...(branch.required ?? [])])];
  return { ...base, ...branch, ...(required.length ? { required } : {}) };
}

function candidate(schema: Schema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (typeOf(schema)) {
    case 'string':
      return stringCandidate(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -(2 ** 31), max: schema.maximum ?? 2 ** 31 - 1 });
    case 'number':
      return fc.double({ min: schema.minimum, max: schema.maximum, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(schema.items ?? {}, options), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      });
    case 'object':
      return objectCandidate(schema, (property) => validValue(property, options));
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function typeOf(schema: Schema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t: string) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  if (schema.pattern || schema.format || schema.allOf?.some((s: Schema) => s.pattern)) return 'string';
  return undefined;
}

function stringCandidate(schema: Schema): fc.Arbitrary<string> {
  const patterns: string[] = [schema.pattern, ...(schema.allOf ?? []).map((s: Schema) => s.pattern)].filter(Boolean);
  switch (schema.format) {
    case 'date':
      return isoDate;
    case 'date-time':
      return isoDateTime;
    case 'uri':
      return fc.webUrl({ withQueryParameters: true, withFragments: true });
    case 'email':
      if (!patterns.length) return fc.emailAddress();
  }
  const anchored = patterns.find((p) => p.startsWith('^') && p.endsWith('$'));
  if (anchored) return fc.stringMatching(new RegExp(anchored, 'u'));
  // Unanchored patterns ("holds a non-blank character") leave the rest free: any Unicode text, filtered.
  return fc.string({
    unit: 'binary',
    minLength: schema.minLength ?? 0,
    maxLength: Math.min(schema.maxLength ?? 64, 64),
  });
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isoDate = fc
  .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const isoDateTime = fc
  .tuple(
    isoDate,
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
    fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
    fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([sign, h, m]) => `${sign}${pad(h)}:${pad(m)}`),
    ),
  )
  .map(
    ([date, h, m, s, fraction, offset]) =>
      `${date}T${pad(h)}:${pad(m)}:${pad(s)}${fraction === undefined ? '' : `.${fraction}`}${offset}`,
  );

function objectCandidate(
  schema: Schema,
  property: (schema: Schema) => fc.Arbitrary<unknown>,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const model = Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, property(s)]));
  return fc.record(model, { requiredKeys: schema.required ?? [] }) as fc.Arbitrary<Record<string, unknown>>;
}

function nearMiss(schema: Schema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  const valid = validValue(schema, options);
  switch (typeOf(schema)) {
    case 'string': {
      const misses: fc.Arbitrary<unknown>[] = [
        fc.constant(''),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
        valid.map((v) => ` ${String(v)}\n`),
        fc
          .tuple(valid, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }))
          .map(([v, at, inserted]) => {
            const s = String(v);
            const i = at % (s.length + 1);
            return s.slice(0, i) + inserted + s.slice(i);
          }),
        fc.integer(),
      ];
      if (schema.maxLength !== undefined)
        misses.push(fc.constant('x'.repeat(schema.maxLength + 1)), fc.constant('é'.repeat(schema.maxLength + 1)));
      return fc.oneof(...misses);
    }
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constant((schema.minimum ?? 0) - 1),
        fc.constant((schema.maximum ?? 0) + 1),
        fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
      );
    case 'object': {
      const names = Object.keys(schema.properties ?? {});
      const misses: fc.Arbitrary<unknown>[] = [
        fc.constant({}),
        fc
          .tuple(
            valid,
            fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }),
            fc.jsonValue({ maxDepth: 1 }),
          )
          .map(([v, key, value]) => ({ ...(v as object), [key]: value })),
        fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
        fc.string({ maxLength: 10 }),
      ];
      if (names.length)
        misses.push(
          fc
            .tuple(valid, fc.constantFrom(...names))
            .chain(([v, name]) =>
              anyValue(schema.properties[name], options).map((value) => ({ ...(v as object), [name]: value })),
            ),
          fc.tuple(valid, fc.constantFrom(...names)).map(([v, name]) => {
            const { [name]: _dropped, ...rest } = v as Record<string, unknown>;
            return rest;
          }),
        );
      return fc.oneof(...misses);
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
