import SwaggerParser from '@apidevtools/swagger-parser';
import { ErrorCode } from '../../src/domain/error-codes';
import type { ApiOperation } from '../../src/http/api-operation';
import { API_OPERATIONS } from '../../src/http/api-operations';
import * as ex from '../../src/http/api-examples';
import { openApiDocument } from '../../src/http/openapi';
import { appRegistry, REPO_ROOT } from '../support/in-process-engine';
import { schemaValidator } from '../support/openapi-contract';

const doc = openApiDocument({
  publicBaseUrl: 'https://payer-registration.example.com',
  writeRole: 'PayerAccount.Manage',
  opsRole: 'PayerAccount.Ops',
}) as Record<string, any>;
const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([route, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ route, method, operation })),
);

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://payer-registration.example.com/api' }]);
  });

  it('describes every HTTP function registered in functions/, and nothing else (but the catch-all)', () => {
    const http = appRegistry(REPO_ROOT).byTriggerType('httpTrigger');
    // The catch-all answers what no operation takes (404, 405): it is no operation of its own.
    const catchAll = http.filter((fn) => fn.trigger.route === '{*path}');
    expect(catchAll.map((fn) => fn.metadata.name)).toEqual(['NotFound']);
    const registered = http
      .filter((fn) => !catchAll.includes(fn))
      .flatMap((fn) =>
        ((fn.trigger.methods as string[] | undefined) ?? ['GET', 'POST']).map(
          (m) => `${m.toLowerCase()} /${fn.trigger.route as string}`,
        ),
      );
    expect(operations.map((o) => `${o.method} ${o.route}`).sort()).toEqual(registered.sort());
  });

  it('has unique operation IDs and declares every path parameter', () => {
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { route, operation } of operations) {
      const inPath = [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = (operation.parameters ?? [])
        .filter((p: any) => p.in === 'path')
        .map((p: any) => p.name)
        .sort();
      expect({ route, declared }).toEqual({ route, declared: inPath });
    }
  });

  it('asks for a bearer token everywhere but the consent pages and the document itself', () => {
    expect(doc.security).toEqual([{ entraId: [] }]);
    expect(doc.components.securitySchemes.entraId).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    const anonymous = operations
      .filter((o) => o.operation.security?.length === 0)
      .map((o) => o.operation.operationId)
      .sort();
    expect(anonymous).toEqual(['consentCallback', 'getOpenApiDocument', 'startConsent']);
    for (const { operation } of operations) {
      if (operation.security?.length !== 0)
        expect(operation.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
      expect(operation.responses['500']).toEqual({ $ref: '#/components/responses/InternalError' });
      expect(operation.responses['414']).toEqual({ $ref: '#/components/responses/UriTooLong' });
    }
  });

  it('lists every error code, and describes errors as problem+json', () => {
    expect(doc.components.schemas.ErrorCode.enum).toEqual(Object.values(ErrorCode));
    expect(doc.components.schemas.Problem.required).toEqual(['type', 'title', 'status', 'code', 'message', 'help']);
    // The consent pages answer the admin's browser in HTML; every other error is problem+json.
    for (const { operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        const types = Object.keys(response.content ?? {});
        if (Number(status) >= 400 && types.length)
          expect({ status, types }).toEqual({
            status,
            types: [
              operation.security
                ? expect.stringMatching(/^(text\/html|application\/problem\+json)$/)
                : 'application/problem+json',
            ],
          });
      }
    }
  });

  it('takes requests on the input side of the schemas, before transforms and defaults', () => {
    const list = doc.paths['/ops/registrations'].get.parameters;
    expect(list.map((p: any) => p.name)).toEqual([
      'status',
      'createdFrom',
      'createdTo',
      'pageSize',
      'continuationToken',
    ]);
    expect(list.find((p: any) => p.name === 'createdFrom').schema).toEqual({
      type: 'string',
      pattern: expect.stringMatching(/^\^\[0-9\]\{4\}-/),
      anyOf: [{ format: 'date' }, { format: 'date-time' }],
    });
    expect(list.find((p: any) => p.name === 'pageSize').schema).toMatchObject({ type: 'integer', default: 50 });
    const step3 =
      doc.paths['/payer-account/registration/partner-api-credentials'].put.requestBody.content['application/json']
        .schema;
    expect(step3.required).toEqual(['tenantId', 'applicationId']);
  });

  it('has examples that its own schemas accept', () => {
    const validator = schemaValidator(doc);
    const checked: string[] = [];
    const check = (where: string, media: any) => {
      if (media?.example === undefined) return;
      const validate = validator(media.schema);
      expect({ where, valid: validate(media.example), errors: validate.errors }).toEqual({
        where,
        valid: true,
        errors: null,
      });
      checked.push(where);
    };
    for (const { route, method, operation } of operations) {
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {}))
        check(`${method} ${route} request ${type}`, media);
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        for (const [type, media] of Object.entries(response.content ?? {}))
          check(`${method} ${route} ${status} ${type}`, media);
      }
    }
    for (const [name, response] of Object.entries(doc.components.responses as Record<string, any>))
      check(name, response.content?.['application/problem+json']);
    expect(checked.length).toBeGreaterThan(API_OPERATIONS.length);
  });

  describe('says what validation refuses, so that a request valid by the document is not refused for its form', () => {
    const validator = schemaValidator(doc);
    const byId = (id: string) => {
      const source = API_OPERATIONS.find((o) => o.operationId === id) as ApiOperation;
      const { operation } = operations.find((o) => o.operation.operationId === id) as (typeof operations)[number];
      return { source, operation };
    };
    /** [operation, body field or query parameter, value, valid by the document, taken by the server's schema]. */
    const cases: [string, string, unknown, boolean, boolean][] = [
      ['startRegistration', 'accountName', 'Contoso CSP', true, true],
      ['startRegistration', 'accountName', ' é😀 ', true, true],
      ['startRegistration', 'accountName', '', false, false],
      ['startRegistration', 'accountName', ' \u3000 ', false, false],
      ['startRegistration', 'accountName', 'a\tb', false, false],
      ['startRegistration', 'accountName', 'a\u0085b', false, false],
      ['startRegistration', 'accountName', 'x'.repeat(101), false, false],
      ['submitPartnerCenterCredentials', 'domain', 'contoso.onmicrosoft.com', true, true],
      ['submitPartnerCenterCredentials', 'domain', 'Contoso.Example', true, true],
      ['submitPartnerCenterCredentials', 'domain', '7A3C0F4E-1B2D-4C5E-8F90-A1B2C3D4E5F6', true, true],
      ['submitPartnerCenterCredentials', 'domain', 'contoso', false, false],
      ['submitPartnerCenterCredentials', 'domain', '-contoso.com', false, false],
      ['submitPartnerCenterCredentials', 'domain', 'contoso..com', false, false],
      ['submitPartnerCenterCredentials', 'domain', `${'a'.repeat(64)}.com`, false, false],
      ['submitPartnerCenterCredentials', 'domain', ' contoso.com ', false, true],
      ['submitPartnerCenterCredentials', 'applicationId', '{7a3c0f4e-1b2d-4c5e-8f90-a1b2c3d4e5f6}', false, false],
      ['submitPartnerCenterCredentials', 'secret', '   ', false, false],
      ['submitPartnerCenterCredentials', 'secret', '\ufeff\u2028', false, false],
      ['submitPartnerCenterCredentials', 'secret', ' s3cr3t~ ', true, true],
      ['submitPartnerCenterCredentials', 'secretExpiresAt', '2026-12-31', true, true],
      ['submitPartnerCenterCredentials', 'secretExpiresAt', '2028-02-29T23:59:59.5+01:00', true, true],
      ['submitPartnerCenterCredentials', 'secretExpiresAt', '2026-02-29', false, false],
      ['submitPartnerCenterCredentials', 'secretExpiresAt', '2026-04-31', false, false],
      ['submitPartnerCenterCredentials', 'secretExpiresAt', '2026-13-01', false, false],
      ['submitPartnerCenterCredentials', 'secretExpiresAt', '2026-12-31T24:00:00Z', false, false],
      ['submitPartnerCenterCredentials', 'secretExpiresAt', '2026-12-31 23:59:59Z', false, false],
      ['submitPartnerCenterCredentials', 'secretExpiresAt', '٢٠٢٦-12-31', false, false],
      ['submitPartnerCenterCredentials', 'secretExpiresAt', '31/12/2026', false, false],
      ['submitPartnerCenterCredentials', 'secretExpiresAt', '2026-12-31T23:59Z', false, true],
      ['requestConsentLink', 'mpnId', '1234567', true, true],
      ['requestConsentLink', 'mpnId', '١٢٣٤٥٦٧', false, false],
      ['requestConsentLink', 'mpnId', '1234', false, false],
      ['requestConsentLink', 'adminEmail', 'admin@contoso.example', true, true],
      ['requestConsentLink', 'adminEmail', 'admin@contoso', false, false],
      ['requestConsentLink', 'redirectUri', 'https://localhost', true, true],
      ['requestConsentLink', 'redirectUri', 'http://localhost', false, false],
      ['submitAuthorizationCode', 'code', '0.AX0AexampleCode-abc_123~', true, true],
      ['submitAuthorizationCode', 'code', 'just-some-text', false, false],
      ['submitAuthorizationCode', 'url', 'https://localhost/?code=0.AX0A&state=e30', true, true],
      ['submitAuthorizationCode', 'url', 'localhost/?code=0.AX0A', false, false],
      ['listRegistrations', 'status', 'Running', true, true],
      ['listRegistrations', 'status', 'Running,awaitingConsent,cancelled', true, true],
      ['listRegistrations', 'status', 'sleeping', false, false],
      ['listRegistrations', 'status', 'Running,sleeping', false, false],
      ['listRegistrations', 'status', 'running, Cancelled', false, true],
      ['listRegistrations', 'createdFrom', '2026-01-01', true, true],
      ['listRegistrations', 'createdFrom', '2026-01-01T12:00:00.1234567Z', true, true],
      ['listRegistrations', 'createdFrom', 'xyz', false, false],
      ['listRegistrations', 'createdFrom', '2026-02-30', false, false],
      ['listRegistrations', 'createdFrom', '2026-01-01T12:00:00', false, false],
      ['listRegistrations', 'continuationToken', 'eyJuZXh0UGFydGl0aW9uS2V5IjoiMSJ9', true, true],
      ['listRegistrations', 'continuationToken', '{"a": 1}', true, true],
      ['listRegistrations', 'continuationToken', 'ey€', false, false],
      ['listRegistrations', 'continuationToken', 'a\nb', false, false],
      ['listRegistrations', 'pageSize', '100', true, true],
      ['listRegistrations', 'pageSize', '0', false, false],
      ['getRegistrationHistory', 'instanceId', 'f47ac10b58cc4372a5670e02b2c3d479', true, true],
      ['getRegistrationHistory', 'instanceId', '.hidden', false, false],
    ];
    const base: Record<string, Record<string, unknown>> = {
      submitPartnerCenterCredentials: { applicationId: ex.applicationId, domain: 'contoso.example', secret: 's' },
      requestConsentLink: { tenantId: ex.tenantId, applicationId: ex.applicationId },
    };

    it.each(cases)('%s %s %j: valid by the document %s, taken by the server %s', (id, field, value, valid, taken) => {
      const { source, operation } = byId(id);
      const parameter = (operation.parameters ?? []).find((p: any) => p.name === field);
      let documented: boolean;
      let parsed: boolean;
      if (parameter) {
        const typed = parameter.schema.type === 'integer' ? Number(value) : value;
        documented = validator(parameter.schema)(typed);
        const schema = parameter.in === 'path' ? source.params?.[field] : source.query;
        parsed = !!schema?.safeParse(parameter.in === 'path' ? value : { [field]: value }).success;
      } else {
        const body = { ...base[id], [field]: value };
        documented = validator(operation.requestBody.content['application/json'].schema)(body);
        parsed = !!source.body?.schema.safeParse(body).success;
      }
      expect({ documented, parsed }).toEqual({ documented: valid, parsed: taken });
    });

    it('takes the authorization code or the address, exactly one of them', () => {
      const schema = byId('submitAuthorizationCode').operation.requestBody.content['application/json'].schema;
      expect(schema.oneOf).toEqual([{ required: ['code'] }, { required: ['url'] }]);
      const validate = validator(schema);
      expect(validate({})).toBe(false);
      expect(validate({ code: 'a'.repeat(20), url: 'https://localhost/?code=x' })).toBe(false);
      expect(validate({ code: 'a'.repeat(20) })).toBe(true);
    });

    it('writes patterns that mean the same in every regex dialect', () => {
      const patterns: string[] = [];
      const walk = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(walk);
        else if (value && typeof value === 'object')
          for (const [key, inner] of Object.entries(value)) {
            if (key === 'pattern' && typeof inner === 'string') patterns.push(inner);
            else walk(inner);
          }
      };
      walk(doc);
      expect(patterns.length).toBeGreaterThan(15);
      for (const pattern of new Set(patterns)) {
        // \d, \w, \s, \b and \p{…} differ between dialects (Unicode digits, letters and spaces elsewhere); so do lookarounds.
        expect({ pattern, unportable: pattern.match(/\\[dDwWsSbBpP]|\(\?<?[=!]/g) }).toEqual({
          pattern,
          unportable: null,
        });
        expect(() => new RegExp(pattern, 'u')).not.toThrow();
      }
    });
  });

  it('links answers to the operations they feed, with parameters those take and values the answers hold', () => {
    const resolve = (schema: any): any =>
      schema?.$ref ? doc.components.schemas[String(schema.$ref).split('/').pop() as string] : schema;
    const at = (schema: any, pointer: string) =>
      pointer
        .split('/')
        .slice(1)
        .reduce((s: any, token) => {
          const here = resolve(s);
          return /^[0-9]+$/.test(token) ? here?.items : here?.properties?.[token];
        }, schema);
    const links: string[] = [];
    for (const { route, method, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        for (const [name, link] of Object.entries((response.links ?? {}) as Record<string, any>)) {
          const where = `${method} ${route} ${status} ${name}`;
          links.push(where);
          const target = operations.find((o) => o.operation.operationId === link.operationId);
          expect({ where, target: target?.operation.operationId }).toEqual({ where, target: link.operationId });
          expect(link.description).toEqual(expect.any(String));
          for (const [parameter, expression] of Object.entries((link.parameters ?? {}) as Record<string, string>)) {
            const taken = (target?.operation.parameters ?? []).some((p: any) => p.name === parameter);
            const [, source, name] = /^\$(response\.body#|request\.query\.)(.+)$/.exec(expression) ?? [];
            const fed =
              source === 'response.body#'
                ? at(response.content['application/json'].schema, name)
                : (operation.parameters ?? []).find((p: any) => p.in === 'query' && p.name === name);
            expect({ where, parameter, expression, taken, fed: !!fed }).toEqual({
              where,
              parameter,
              expression,
              taken: true,
              fed: true,
            });
          }
        }
      }
    }
    expect(links).toEqual(
      expect.arrayContaining([
        'post /payer-account/registration 201 registration',
        'post /payer-account/registration 201 history',
        'get /ops/registrations 200 nextPage',
        'get /ops/registrations 200 history',
      ]),
    );
    const nextPage = doc.paths['/ops/registrations'].get.responses['200'].links.nextPage;
    expect(nextPage.parameters.continuationToken).toBe('$response.body#/continuationToken');
  });
});
