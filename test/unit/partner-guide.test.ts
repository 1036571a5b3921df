import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { handMadeConsentUrl } from '../../src/domain/consent';

/**
 * docs/partner-setup.md, the partner guide the wizard links to: rendered by the wizard's own build step
 * (web/guide-page.mts, run here by Node as the build runs it), every link from the wizard lands on one of its
 * headings, and it names the steps, fields and buttons as the wizard does.
 */
const REPO = path.resolve(__dirname, '..', '..', '..');
const GUIDE = readFileSync(path.join(REPO, 'docs', 'partner-setup.md'), 'utf8');

/** The anchors of the headings in the rendered page, from the build's renderer itself. */
function renderedAnchors(): string[] {
  const script = `const { renderGuide } = await import(${JSON.stringify(path.join(REPO, 'web', 'guide-page.mts'))});
    const { readFileSync } = await import('node:fs');
    process.stdout.write(JSON.stringify(renderGuide(readFileSync(${JSON.stringify(path.join(REPO, 'docs', 'partner-setup.md'))}, 'utf8')).anchors));`;
  const out = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { cwd: REPO });
  return JSON.parse(out.toString()) as string[];
}

function wizardSources(dir = path.join(REPO, 'web', 'src')): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return wizardSources(full);
    return entry.name.endsWith('.ts') ? [{ file: path.relative(REPO, full), text: readFileSync(full, 'utf8') }] : [];
  });
}

/** The guide's text under a level-2 heading, up to the next one. */
function section(heading: string): string {
  const start = GUIDE.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`The guide has no section "${heading}"`);
  const end = GUIDE.indexOf('\n## ', start + 1);
  return GUIDE.slice(start, end < 0 ? undefined : end);
}

describe('the partner guide (docs/partner-setup.md)', () => {
  const anchors = renderedAnchors();
  const sources = wizardSources();

  it('gives every heading an anchor, GitHub-style, none twice', () => {
    expect(anchors).toContain('step-1-basic-details');
    expect(anchors).toContain('the-admin-who-consents');
    expect(new Set(anchors).size).toBe(anchors.length);
  });

  it('has a heading for every link from the wizard to it, and for its own links within', () => {
    const links = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/guideLink\(\s*'([^']+)'/g)].map((m) => ({ file, anchor: m[1] })),
    );
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((l) => !anchors.includes(l.anchor))).toEqual([]);
    // No link to the guide is made any other way.
    expect(
      sources.filter((s) => s.file !== path.join('web', 'src', 'guide.ts') && s.text.includes('partner-setup')),
    ).toEqual([]);
    const inner = [...GUIDE.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(inner.length).toBeGreaterThan(5);
    expect(inner.filter((a) => !anchors.includes(a))).toEqual([]);
  });

  it("names the three steps as the wizard's step list does", () => {
    const list = sources.find((s) => s.file.endsWith(path.join('views', 'step-section.ts')))!.text;
    const steps = JSON.parse(/const STEPS = (\[[^\]]+\])/.exec(list)![1].replace(/'/g, '"')) as string[];
    expect(steps).toHaveLength(3);
    steps.forEach((name, i) => expect(GUIDE).toContain(`\n## Step ${i + 1}: ${name}\n`));
  });

  it('names in bold, in its step sections, only what the wizard shows: its buttons, fields and panels', () => {
    const wizard = sources
      .map((s) => s.text)
      .join('\n')
      .toLowerCase();
    const named = [
      'Step 1: Basic details',
      'Step 2: Partner Center credentials',
      'Step 3: Partner API consent',
    ].flatMap((heading) => [...section(heading).matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1].replace(/\s+/g, ' ')));
    expect(named).toEqual(expect.arrayContaining(['Start registration', 'Verify credentials', 'Get the consent link']));
    expect(named.filter((words) => !wizard.includes(words.toLowerCase()))).toEqual([]);
  });

  // https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
  it("builds the consent URL as Microsoft's v2.0 authorization code flow asks, with redirect_uri spelled right", () => {
    const fence = /```\n(https:\/\/login\.microsoftonline\.com\/[^`]+)```/.exec(
      section('Building the consent URL yourself'),
    );
    expect(fence).not.toBeNull();
    const url = new URL(fence![1].replace(/\s+/g, ''));
    expect(url.pathname).toBe('/%3Ctenant%3E/oauth2/v2.0/authorize');
    // The same address the product answers in step 3 (handMade.consentUrl), parameter by parameter.
    const product = new URL(
      handMadeConsentUrl('https://login.microsoftonline.com', {
        tenantId: '<tenant>',
        applicationId: 'app',
        redirectUri: 'https://localhost',
      }),
    );
    expect([...url.searchParams.keys()].sort()).toEqual([...product.searchParams.keys()].sort());
    for (const key of ['response_type', 'response_mode', 'scope', 'prompt'])
      expect([key, url.searchParams.get(key)]).toEqual([key, product.searchParams.get(key)]);
    expect(GUIDE).not.toMatch(/[?&]redirect_url=/);
    expect(GUIDE).not.toMatch(/https:\/\/login\.microsoftonline\.com\/common\/oauth2\/authorize/);
  });
});
