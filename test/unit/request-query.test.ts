import { HttpRequest } from '@azure/functions';
import { readQuery } from '../../src/http/request-query';
import { opsRegistrationsQuery } from '../../src/http/schemas';

const list = (query: string) =>
  readQuery(
    new HttpRequest({ url: `http://localhost/api/ops/registrations?${query}`, method: 'GET' }),
    opsRegistrationsQuery,
  );
const refusals = (query: string) => {
  const result = list(query);
  return result.ok ? [] : result.error.map((e) => [e.code, e.field]);
};

describe('readQuery with the ops list query', () => {
  it('parses the creation bounds and compares them', () => {
    expect(list('createdFrom=2026-01-01&createdTo=2026-01-31T12:00:00Z')).toEqual({
      ok: true,
      value: {
        createdFrom: new Date('2026-01-01T00:00:00Z'),
        createdTo: new Date('2026-01-31T12:00:00Z'),
        pageSize: 50,
      },
    });
    expect(refusals('createdFrom=2026-02-01&createdTo=2026-01-01')).toEqual([['invalid_field', 'createdTo']]);
  });

  it('refuses a bound that is no date on its own field, whichever of the two it is', () => {
    expect(refusals('createdFrom=2026-01-01&createdTo=xyz')).toEqual([['invalid_field', 'createdTo']]);
    expect(refusals('createdFrom=xyz&createdTo=2026-01-01')).toEqual([['invalid_field', 'createdFrom']]);
    expect(refusals('createdFrom=xyz&createdTo=abc')).toEqual([
      ['invalid_field', 'createdFrom'],
      ['invalid_field', 'createdTo'],
    ]);
  });

  it('takes continuation tokens that can travel in an HTTP header, and refuses others on their field', () => {
    const token = 'eyJuZXh0UGFydGl0aW9uS2V5IjoiMSJ9';
    expect(list(`continuationToken=${token}`)).toMatchObject({ ok: true, value: { continuationToken: token } });
    expect(list(`continuationToken=${encodeURIComponent('{"a":"1 2!~"}')}`).ok).toBe(true);
    for (const refused of ['€', 'ÿ', 'a\nb', '\u0000', '\u0085', '😀']) {
      const result = list(`continuationToken=${encodeURIComponent(refused)}`);
      expect({ refused, result }).toEqual({
        refused,
        result: {
          ok: false,
          error: [
            {
              code: 'invalid_field',
              field: 'continuationToken',
              message: expect.stringContaining('pass back the continuationToken of the previous page unchanged'),
            },
          ],
        },
      });
    }
  });
});
