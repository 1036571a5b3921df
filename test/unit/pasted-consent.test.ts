import { CONSENT_ANSWER_LIMITS, readPastedConsent } from '../../src/domain/pasted-consent';

const CODE = '0.AXoA-long_code~value.with-dots';

describe('reading what a person pasted after consenting', () => {
  it('reads the address the browser landed on: state, and the code or the error', () => {
    expect(readPastedConsent({ url: `https://localhost/?code=${CODE}&state=s1&session_state=x` })).toEqual({
      kind: 'answer',
      state: 's1',
      code: CODE,
    });
    expect(
      readPastedConsent({
        url: 'https://localhost/?error=access_denied&error_description=AADSTS65004%3A+declined&state=s2',
      }),
    ).toEqual({ kind: 'answer', state: 's2', error: 'access_denied', errorDescription: 'AADSTS65004: declined' });
  });

  it('takes a code alone when it looks like one', () => {
    expect(readPastedConsent({ code: CODE })).toEqual({ kind: 'code', code: CODE });
  });

  it('refuses, on the field pasted, what is not a code or a whole answer', () => {
    for (const pasted of [{ code: 'short' }, { code: 'has spaces in it and is long enough' }]) {
      expect(readPastedConsent(pasted)).toMatchObject({ code: 'invalid_field', field: 'code' });
    }
    for (const url of [
      'https://localhost/?code=abc', // no state, and too short to be a code
      'https://localhost/?state=s', // neither code nor error
      'https://localhost/', // nothing
      'not an address',
    ]) {
      expect(readPastedConsent({ url })).toMatchObject({
        code: 'invalid_field',
        field: 'url',
        message: expect.stringContaining('whole address'),
      });
    }
  });

  it('takes an address without state as the answer to a sign-in built by hand', () => {
    const code = 'M.C5_BAY.2.U.' + 'a'.repeat(40);
    expect(readPastedConsent({ url: `https://localhost/?code=${code}&session_state=x` })).toEqual({
      kind: 'code',
      code,
      handMade: true,
    });
    expect(readPastedConsent({ code, handMade: true })).toEqual({ kind: 'code', code, handMade: true });
    expect(readPastedConsent({ code })).toEqual({ kind: 'code', code });
  });

  it('refuses an address whose values are longer than Microsoft sends, naming which', () => {
    const long = 'x'.repeat(CONSENT_ANSWER_LIMITS.error + 1);
    expect(readPastedConsent({ url: `https://localhost/?error=${long}&state=s` })).toEqual({
      code: 'invalid_field',
      field: 'url',
      message: expect.stringMatching(/^url: its error is longer than Microsoft sends/),
    });
    const fits = 'y'.repeat(CONSENT_ANSWER_LIMITS.code);
    expect(readPastedConsent({ url: `https://localhost/?code=${fits}&state=s` })).toMatchObject({ kind: 'answer' });
  });
});
