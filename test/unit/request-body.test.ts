import { HttpRequest } from '@azure/functions';
import { readJsonBody, MAX_JSON_BODY_BYTES } from '../../src/http/request-body';
import { startRegistrationBody } from '../../src/http/schemas';

const request = (body: string | undefined, contentType = 'application/json') =>
  new HttpRequest({
    url: 'http://localhost/api/x',
    method: 'POST',
    body: body === undefined ? undefined : { string: body },
    headers: body === undefined ? {} : { 'content-type': contentType },
  });

describe('readJsonBody with the start-registration schema', () => {
  it('accepts an empty optional body and a trimmed name', async () => {
    expect(await readJsonBody(request(undefined), startRegistrationBody, { optional: true })).toEqual({
      ok: true,
      value: {},
    });
    expect(await readJsonBody(request('{"accountName":"  Contoso  "}'), startRegistrationBody)).toEqual({
      ok: true,
      value: { accountName: 'Contoso' },
    });
  });

  it('requires a body unless it is optional', async () => {
    const result = await readJsonBody(request(undefined), startRegistrationBody);
    expect(result).toEqual({ ok: false, error: [expect.objectContaining({ code: 'malformed_json', field: 'body' })] });
  });

  it('names every field at fault', async () => {
    const result = await readJsonBody(request('{"accountName": 7, "extra": 1, "more": 2}'), startRegistrationBody);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((e) => [e.code, e.field])).toEqual(
      expect.arrayContaining([
        ['unknown_field', 'extra'],
        ['invalid_field', 'accountName'],
      ]),
    );
  });

  it('measures the limit in bytes, not characters', async () => {
    const name = 'é'.repeat(60); // 120 bytes, 60 characters: within both limits
    expect((await readJsonBody(request(JSON.stringify({ accountName: name })), startRegistrationBody)).ok).toBe(true);
    const huge = JSON.stringify({ accountName: 'ok', pad: 'é'.repeat(MAX_JSON_BODY_BYTES / 2) });
    expect(await readJsonBody(request(huge), startRegistrationBody)).toEqual({
      ok: false,
      error: [expect.objectContaining({ code: 'body_too_large', field: 'body' })],
    });
  });

  it('refuses a body declared as something other than JSON', async () => {
    const result = await readJsonBody(request('{}', 'text/plain'), startRegistrationBody);
    expect(result).toEqual({ ok: false, error: [expect.objectContaining({ code: 'unsupported_media_type' })] });
    expect((await readJsonBody(request('{}', 'application/merge-patch+json'), startRegistrationBody)).ok).toBe(true);
  });
});
