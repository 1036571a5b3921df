import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * A stand-in is only as good as the Microsoft documentation it follows, so the tests that start one must name it:
 * every test file that starts a stand-in (imports `local/stand-ins/<name>/server`) holds at least one
 * https://learn.microsoft.com/ URL, and every stand-in is started by at least one test. Whether each behaviour is
 * pinned is for review to judge; this keeps a new stand-in, or a new test of one, from citing nothing at all.
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const STAND_INS = path.join(REPO_ROOT, 'local', 'stand-ins');
const LEARN_URL = /https:\/\/learn\.microsoft\.com\/\S+/;

const standIns = readdirSync(STAND_INS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const testFiles = readdirSync(path.join(REPO_ROOT, 'test'), { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => ({
    file: `test/${file.split(path.sep).join('/')}`,
    text: readFileSync(path.join(REPO_ROOT, 'test', file), 'utf8'),
  }));

/** The stand-ins a test file starts. */
const started = (text: string) =>
  standIns.filter((name) => new RegExp(`local/stand-ins/${name}/server['"]`).test(text));

describe('stand-in tests name the Microsoft documentation they follow', () => {
  it('finds the stand-ins and the test files (the check below is not vacuous)', () => {
    expect(standIns).toEqual(
      expect.arrayContaining(['entra-id', 'key-vault', 'partner-center', 'partner-api', 'acs-email']),
    );
    expect(testFiles.filter(({ text }) => started(text).length > 0).length).toBeGreaterThanOrEqual(standIns.length);
  });

  it.each(standIns)('%s is started by at least one test', (name) => {
    expect(testFiles.filter(({ text }) => started(text).includes(name)).map(({ file }) => file)).not.toEqual([]);
  });

  it('every test file that starts a stand-in cites a learn.microsoft.com page', () => {
    const uncited = testFiles
      .filter(({ text }) => started(text).length > 0 && !LEARN_URL.test(text))
      .map(({ file }) => file);
    expect(uncited).toEqual([]);
  });
});
