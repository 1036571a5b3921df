/**
 * The conformance suite's comparison (test/reference, `npm run test:reference`): leaf-by-leaf differences between two
 * engines' observations, held against the accepted differences. Here without any engine, so that `npm test` checks the
 * comparison and the accepted-differences file itself.
 */
import * as path from 'node:path';
import type { AcceptedDifference } from '../reference/conformance/compare';
import {
  ABSENT,
  describeDifferences,
  diff,
  isAccepted,
  judge,
  leaves,
  loadAcceptedDifferences,
} from '../reference/conformance/compare';
import { durationBucket, timeShape } from '../reference/conformance/observe';

const REPO = path.resolve(__dirname, '..', '..', '..');

const entry = (fields: Partial<AcceptedDifference>): AcceptedDifference => ({
  scenario: '*',
  path: '',
  local: ABSENT,
  reference: '<any>',
  reason: 'because',
  ...fields,
});

describe('conformance comparison', () => {
  it('flattens observations to leaves, empty arrays and objects included', () => {
    expect([...leaves({ a: [1, { b: 'x' }], c: {}, d: [], e: undefined })]).toEqual([
      ['a[0]', 1],
      ['a[1].b', 'x'],
      ['c', {}],
      ['d', []],
    ]);
  });

  it('reports each differing leaf, and what is missing on one side as absent', () => {
    const local = { history: [{ type: 'ExecutionStarted' }, { type: 'ExecutionTerminated' }], status: 200 };
    const reference = {
      history: [{ type: 'ExecutionStarted', fields: { Correlation: 'null' } }, { type: 'ExecutionTerminated' }, {}],
      status: 200,
    };
    expect(diff(local, reference)).toEqual([
      { path: 'history[0].fields.Correlation', local: ABSENT, reference: 'null' },
      { path: 'history[2]', local: ABSENT, reference: {} },
    ]);
    expect(diff({ a: [1] }, { a: [1] })).toEqual([]);
  });

  it('accepts a difference only for its scenario, path pattern and values', () => {
    const d = { path: 'history[3].fields.Tags', local: ABSENT, reference: 'null' };
    expect(isAccepted(entry({ path: 'history[*].fields.{Correlation,Tags}' }), 'any', d)).toBe(true);
    expect(isAccepted(entry({ path: '**.fields.Tags' }), 'any', d)).toBe(true);
    expect(isAccepted(entry({ path: 'history[*].*.Tags' }), 'any', d)).toBe(true);
    expect(isAccepted(entry({ path: 'history[*].fields.Correlation' }), 'any', d)).toBe(false);
    expect(isAccepted(entry({ path: '**.Tags', scenario: 'terminate' }), 'purge', d)).toBe(false);
    expect(isAccepted(entry({ path: '**.Tags', local: 'null' }), 'any', d)).toBe(false);
    expect(isAccepted(entry({ path: '**.Tags', reference: 'object' }), 'any', d)).toBe(false);
    // `*` is one key, never a dot or an index.
    expect(isAccepted(entry({ path: '*.Tags' }), 'any', d)).toBe(false);
  });

  it('fails on any difference no entry accepts, and says where in a readable diff', () => {
    const verdict = judge('terminate', { status: 404, body: { Message: 'gone' } }, { status: 404, body: '' }, [
      entry({ path: 'body.Message', local: 'gone', reference: ABSENT }),
    ]);
    expect(verdict.accepted.map((a) => a.difference.path)).toEqual(['body.Message']);
    expect(describeDifferences(verdict.unexpected)).toBe('  body: local <absent> | reference ""');
  });

  it('reads the accepted differences file: each entry names its scenario, path, both values and its reason', () => {
    const accepted = loadAcceptedDifferences(REPO);
    expect(accepted.length).toBeGreaterThan(0);
    for (const e of accepted) {
      expect(e.reason.length).toBeGreaterThan(40);
      expect('local' in e && 'reference' in e).toBe(true);
    }
  });

  it('writes times as their shape and durations as coarse buckets', () => {
    expect(timeShape('2026-12-05T20:52:08.7982014Z')).toBe('<time .f Z>');
    expect(timeShape('2026-12-05T20:52:08Z')).toBe('<time Z>');
    expect(timeShape('2026-12-05T20:52:08.798+00:00')).toBe('<time .f +00:00>');
    expect(timeShape('not a time')).toBeUndefined();
    expect([-5, 12, 400, 980, 1000, 1990, 2000, 3600, 3 * 86_400_000 - 20].map(durationBucket)).toEqual([
      '0s',
      '0s',
      '1s',
      '1s',
      '1s',
      '2s',
      '2s',
      '<1h',
      '3d',
    ]);
  });
});
