import SwaggerParser from '@apidevtools/swagger-parser';
import { ErrorCode } from '../../src/domain/error-codes';
import { API_OPERATIONS } from '../../src/http/api-operations';
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
    }
  });

  it('lists every error code, and describes errors as problem+json', () => {
    expect(doc.components.schemas.ErrorCode.enum).toEqual(Object.values(ErrorCode));
    expect(doc.components.schemas.Problem.required).toEqual(['type', 'title', 'status', 'code', 'message']);
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
    expect(list.find((p: any) => p.name === 'createdFrom').schema).toEqual({ type: 'string' });
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
      check(name, response.content['application/problem+json']);
    expect(checked.length).toBeGreaterThan(API_OPERATIONS.length);
  });
});
