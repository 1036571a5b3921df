import { mkdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { anyParameterText, anyValue, text, validValue } from '../support/json-schema-arbitrary';
import { contractViolation, schemaValidator } from '../support/openapi-contract';
import { CONTOSO, PC_APP, registerContoso, until, VALID_SECRET } from '../support/registration-driver';
import { newOrganizations } from '../support/organization-tokens';

/** Requests per operation and kind (schema-valid, anything); FUZZ_SEED replays or varies a run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
/** A refused new secret is tried again while Entra ID may still be replicating it (about 4 s): fewer of those. */
const RUNS_OF: Record<string, number> = { updateApplicationSecret: Math.ceil(RUNS / 5) };
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
/** Counts and writes the report without failing on refused valid requests (to measure another document). */
const REPORT_ONLY = process.env.FUZZ_REPORT_ONLY === '1';

type Json = Record<string, any>;
interface FuzzRequest {
  path: string;
  query: [string, string][];
  body?: unknown;
  /** Valid by the document: every parameter and the body match their schemas, and no other parameter is sent. */
  valid: boolean;
}
interface Problem {
  status: number;
  code?: string;
  field?: string;
  message?: string;
}

/**
 * 400s that requests valid by the document can still get: rules a JSON Schema cannot state. Any
 * other 400 for a valid request means the document is looser than the server's validation.
 */
const UNSTATABLE: { operationId: string; field?: string; why: string }[] = [
  {
    operationId: 'listRegistrations',
    field: 'createdTo',
    why: 'cross-field: createdTo must not be before createdFrom',
  },
  {
    operationId: 'listRegistrations',
    field: 'continuationToken',
    why: 'opaque: only the engine knows the tokens it gave out',
  },
  {
    operationId: 'listKeepAliveRounds',
    field: 'continuationToken',
    why: 'opaque: only the engine knows the tokens it gave out',
  },
  { operationId: 'updateApplicationSecret', field: 'expiresAt', why: 'the clock: the expiry must be in the future' },
  {
    operationId: 'requestConsentLink',
    field: 'adminEmail',
    why: "who asks: the address must be at the caller's or the partner tenant's domain",
  },
  {
    operationId: 'startReconsent',
    field: 'adminEmail',
    why: "who asks: the address must be at the caller's or the partner's domain",
  },
  {
    operationId: 'submitAuthorizationCode',
    field: 'url',
    why: "signed: the address must carry the state this API signed for the caller's registration",
  },
  {
    operationId: 'submitReconsentAuthorizationCode',
    field: 'url',
    why: "signed: the address must carry the state this API signed for the caller's re-consent",
  },
  { operationId: 'startConsent', why: "signed: the ticket is the consent link's signed token (a page, no field)" },
  {
    operationId: 'consentCallback',
    why: 'signed: the state is the sign-in’s signed, single-use state (a page, no field)',
  },
];

/** 414: the platform's limit on the address, in bytes once percent-encoded: maxLength counts characters. */
const TOO_LONG = "the platform: the address is over 8 KiB percent-encoded (the document's maxLength counts characters)";

/** The operations that end what others need (the registered account, a registration) go last. */
const LAST = ['cancelRegistration', 'deregisterPayerAccount'];

/**
 * Requests generated from the served OpenAPI document (path and query parameters, JSON bodies,
 * schema-valid and anything at all), sent to the local stack as callers who may make them: no
 * answer may be a 5xx, every answer must be documented for its operation and match its schema,
 * and a request the document calls valid may get 400 only for a rule listed in UNSTATABLE.
 */
describe('the API under requests generated from its OpenAPI document', () => {
  let stack: Stack;
  let doc: Json;
  let validator: ReturnType<typeof schemaValidator>;
  const tokens: Record<string, string | undefined> = {};
  const stats = new Map<
    string,
    {
      sent: number;
      valid: number;
      validRefused: number;
      why: Record<string, number>;
      statuses: Record<string, number>;
      ms: number;
      slowest: string;
    }
  >();
  const started = Date.now();

  const newOrganization = newOrganizations(() => stack, '66666666-6666-4666-8666', 'fuzz');
  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${stack.apiBaseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await res.text();
    return { status: res.status, body: answer ? JSON.parse(answer) : undefined };
  };
  /** A new organization whose registration has reached `status`. */
  const organizationAt = async (status: string) => {
    const token = await newOrganization();
    expect((await api('POST', '/payer-account/registration', token, {})).status).toBe(201);
    const at = async (s: string) =>
      until(async () => (await api('GET', '/payer-account/registration', token)).body?.status === s);
    expect(await at('awaitingPartnerCenterCredentials')).toBe(true);
    if (status === 'awaitingPartnerCenterCredentials') return token;
    const step2 = { applicationId: PC_APP, domain: 'contoso.example', secret: VALID_SECRET };
    expect((await api('PUT', '/payer-account/registration/partner-center-credentials', token, step2)).status).toBe(200);
    if (status === 'awaitingPartnerApiCredentials') return token;
    const step3 = { tenantId: CONTOSO, applicationId: PC_APP, redirectUri: 'https://localhost' };
    expect((await api('PUT', '/payer-account/registration/partner-api-credentials', token, step3)).status).toBe(200);
    expect(await at('awaitingConsent')).toBe(true);
    return token;
  };

  beforeAll(async () => {
    stack = await startStack({ settings: { PARTNER_CENTER_VERIFY_WAIT_SECONDS: '2' } });
    doc = (await (await fetch(`${stack.apiBaseUrl}/openapi.json`)).json()) as Json;
    validator = schemaValidator(doc);
    const [alice, olivia] = await Promise.all(
      ['alice@contoso.example', 'olivia@octo.example'].map((user) => stack.tokenFor(user)),
    );
    await registerContoso(stack, alice);
    const [fresh, stepTwo, stepThree, consent] = await Promise.all([
      newOrganization(),
      organizationAt('awaitingPartnerCenterCredentials'),
      organizationAt('awaitingPartnerApiCredentials'),
      organizationAt('awaitingConsent'),
    ]);
    // Each caller where its operations go deepest: Contoso registered, others part-way through a registration.
    Object.assign(tokens, {
      getCaller: alice,
      startRegistration: fresh,
      getRegistration: consent,
      cancelRegistration: fresh,
      submitPartnerCenterCredentials: stepTwo,
      requestConsentLink: stepThree,
      runPreflight: stepThree,
      submitAuthorizationCode: consent,
      getPayerAccount: alice,
      deregisterPayerAccount: alice,
      startReconsent: alice,
      submitReconsentAuthorizationCode: alice,
      updateApplicationSecret: alice,
      checkConnection: alice,
      getSupportBundle: alice,
      getAuditTrail: alice,
      getOrganizationAuditTrail: olivia,
      listRegistrations: olivia,
      getRegistrationHistory: olivia,
      listKeepAliveRounds: olivia,
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, Json>>)
      .flatMap(([route, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ route, method, operation })),
      )
      .sort((a, b) => LAST.indexOf(a.operation.operationId) - LAST.indexOf(b.operation.operationId));

  const validate = (schema: Json) => validator(schema);
  const parameterValid = (schema: Json, value: string) =>
    validate(schema)(schema.type === 'integer' && /^-?(?:0|[1-9][0-9]*)$/.test(value) ? Number(value) : value);

  function requests(route: string, operation: Json, kind: 'valid' | 'any'): fc.Arbitrary<FuzzRequest> {
    const options = { validate };
    const parameters = (operation.parameters ?? []) as Json[];
    const value = (p: Json) =>
      kind === 'valid'
        ? validValue(p.schema, options).map(text)
        : fc.oneof(validValue(p.schema, options).map(text), anyParameterText(p.schema, options));
    // A path segment of nothing, "." or ".." is another path, not a value of this one.
    const path = parameters
      .filter((p) => p.in === 'path')
      .map((p) =>
        value(p)
          .filter((v) => !['', '.', '..'].includes(v))
          .map((v) => [p.name, v] as [string, string]),
      );
    const query = parameters
      .filter((p) => p.in === 'query')
      .map((p) =>
        (p.required ? value(p) : fc.option(value(p), { nil: undefined })).map((v) => [p.name, v] as [string, string?]),
      );
    const unknown =
      kind === 'any'
        ? fc.option(fc.tuple(fc.constantFrom('colour', 'page', 'x'), fc.string({ maxLength: 5 })), { nil: undefined })
        : fc.constant(undefined);
    const bodySchema = operation.requestBody?.content['application/json']?.schema as Json | undefined;
    const optionalBody = !operation.requestBody?.required;
    const body = !bodySchema
      ? fc.constant(undefined)
      : kind === 'valid'
        ? optionalBody
          ? fc.option(validValue(bodySchema, options), { nil: undefined })
          : validValue(bodySchema, options)
        : anyValue(bodySchema, options);
    return fc.tuple(fc.tuple(...path), fc.tuple(...query), unknown, body).map(([pathValues, queryValues, extra, b]) => {
      const sent = [...queryValues.filter((q): q is [string, string] => q[1] !== undefined), ...(extra ? [extra] : [])];
      const valid =
        pathValues.every(([name, v]) => parameterValid(parameters.find((p) => p.name === name)?.schema ?? {}, v)) &&
        sent.every(([name, v]) => {
          const p = parameters.find((q) => q.in === 'query' && q.name === name);
          return p !== undefined && parameterValid(p.schema, v);
        }) &&
        (b === undefined ? optionalBody || !bodySchema : !!bodySchema && validate(bodySchema)(b));
      return {
        path: pathValues.reduce((r, [name, v]) => r.replace(`{${name}}`, encodeURIComponent(v)), route),
        query: sent,
        ...(b !== undefined ? { body: b } : {}),
        valid,
      };
    });
  }

  async function send(method: string, request: FuzzRequest, token: string | undefined) {
    const url = new URL(`${stack.apiBaseUrl}${request.path}`);
    for (const [name, v] of request.query) url.searchParams.append(name, v);
    const res = await fetch(url, {
      method: method.toUpperCase(),
      redirect: 'manual',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...('body' in request ? { 'content-type': 'application/json' } : {}),
      },
      body: 'body' in request ? JSON.stringify(request.body) : undefined,
    });
    return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
  }

  const problemOf = (answer: { status: number; contentType: string | null; text: string }): Problem => {
    if (!answer.contentType?.includes('json') || !answer.text) return { status: answer.status };
    const body = JSON.parse(answer.text) as Json;
    return { status: answer.status, code: body.code, field: body.field, message: body.message };
  };

  it('answers every generated request with a documented, non-5xx answer; valid requests only meet rules the document cannot state', async () => {
    const failures: string[] = [];
    /** Fails the run (fast-check then shrinks the request), or only notes it when measuring. */
    const fail = (message: string) => {
      if (!REPORT_ONLY) throw new Error(message);
      failures.push(message);
    };
    for (const { route, method, operation } of operations()) {
      const id = operation.operationId as string;
      const token = operation.security?.length === 0 ? undefined : tokens[id];
      if (operation.security?.length !== 0) expect({ id, token: typeof token }).toEqual({ id, token: 'string' });
      const s = { sent: 0, valid: 0, validRefused: 0, why: {}, statuses: {}, ms: 0, slowest: '' } as NonNullable<
        ReturnType<typeof stats.get>
      >;
      let slowestMs = 0;
      const since = Date.now();
      stats.set(id, s);
      const inputs = (operation.parameters?.length ?? 0) + (operation.requestBody ? 1 : 0);
      for (const kind of ['valid', 'any'] as const) {
        const property = fc.asyncProperty(requests(route, operation, kind), async (request) => {
          const sentAt = Date.now();
          const answer = await send(method, request, token);
          s.sent++;
          s.statuses[answer.status] = (s.statuses[answer.status] ?? 0) + 1;
          if (Date.now() - sentAt > slowestMs) {
            slowestMs = Date.now() - sentAt;
            s.slowest = `${slowestMs} ms: ${answer.status} ${answer.text.slice(0, 200)}`;
          }
          if (request.valid) s.valid++;
          const where = `${method.toUpperCase()} ${request.path}?${new URLSearchParams(request.query)} ${JSON.stringify(request.body)}`;
          if (answer.status >= 500) return fail(`${where}\n→ ${answer.status} ${answer.text}`);
          const violation = contractViolation(doc, validator, { method, path: request.path }, answer);
          if (violation) return fail(`${where}\n→ ${violation}`);
          if (!request.valid || (answer.status !== 400 && answer.status !== 414)) return;
          s.validRefused++;
          const problem = problemOf(answer);
          const rule =
            answer.status === 414
              ? { why: TOO_LONG }
              : UNSTATABLE.find((u) => u.operationId === id && (u.field === undefined || u.field === problem.field));
          const why =
            rule?.why ?? `not stated in the document: ${problem.field ?? '?'}: ${problem.message ?? answer.text}`;
          s.why[why] = (s.why[why] ?? 0) + 1;
          if (!rule) fail(`${where}\n→ 400 for a request valid by the document: ${answer.text}`);
        });
        const numRuns = inputs ? (RUNS_OF[id] ?? RUNS) : 2;
        const result = await fc.check(property, { numRuns, seed: SEED });
        if (result.failed)
          failures.push(`${id} (${kind}): ${String(result.errorInstance)}\n${fc.defaultReportMessage(result)}`);
      }
      s.ms = Date.now() - since;
    }
    const all = [...stats.values()];
    const valid = all.reduce((n, s) => n + s.valid, 0);
    const refusedWhy: Record<string, number> = {};
    for (const s of all) for (const [why, n] of Object.entries(s.why)) refusedWhy[why] = (refusedWhy[why] ?? 0) + n;
    const notStated = Object.entries(refusedWhy).reduce(
      (n, [why, count]) => n + (why.startsWith('not') ? count : 0),
      0,
    );
    const report = {
      seconds: Math.round((Date.now() - started) / 1000),
      seed: SEED,
      runsPerOperationAndKind: RUNS,
      sent: all.reduce((n, s) => n + s.sent, 0),
      valid,
      validRefused: all.reduce((n, s) => n + s.validRefused, 0),
      shareOfValidRefused: all.reduce((n, s) => n + s.validRefused, 0) / valid,
      shareOfValidRefusedForWhatTheDocumentCouldState: notStated / valid,
      refusedWhy,
      operations: Object.fromEntries(stats),
      failures,
    };
    mkdirSync('test-output', { recursive: true });
    writeFileSync('test-output/openapi-fuzz.json', `${JSON.stringify(report, null, 2)}\n`);
    if (!REPORT_ONLY) expect(failures).toEqual([]);
    const unexplained = Object.entries(Object.fromEntries(stats)).flatMap(([id, s]) =>
      Object.keys(s.why)
        .filter((why) => why.startsWith('not stated'))
        .map((why) => `${id}: ${why}`),
    );
    if (!REPORT_ONLY) expect(unexplained).toEqual([]);
    expect(report.valid).toBeGreaterThan(RUNS * 10);
  }, 600_000);
});
