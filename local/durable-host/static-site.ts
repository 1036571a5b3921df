import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { HostRequest, HostResponse } from './host-http';

/**
 * A static folder served beside the functions (`LocalHost__StaticRoot`), as a static host would serve the wizard:
 * GET and HEAD outside the reserved prefixes (the route prefix, `/admin`, `/runtime`), `index.html` for paths
 * that name no file (a single-page app), content types by extension, nothing outside the folder. `/config.json`
 * may be answered from a setting instead of a file (`LocalHost__WebConfig`), so one build serves any port.
 */
export interface StaticSiteOptions {
  root: string;
  /** Path prefixes that are never the site's: `/api`, `/admin`, `/runtime`. */
  reserved: string[];
  /** The body of `/config.json`, when it comes from a setting. */
  configJson?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const BASE_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
/** The page's own meta policy covers the rest; only a header can refuse framing (clickjacking). */
const PAGE_HEADERS = { 'Content-Security-Policy': "frame-ancestors 'none'", 'X-Frame-Options': 'DENY' };
/** Vite names bundled assets by their content hash: they never change under the same name. */
const IMMUTABLE = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

type Site = (req: HostRequest) => Promise<HostResponse | undefined>;

export function staticSite(options: StaticSiteOptions): Site {
  const root = path.resolve(options.root);
  if (options.configJson !== undefined) JSON.parse(options.configJson);
  const isReserved = (p: string) => options.reserved.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));

  return async (req) => {
    const requested = req.url.pathname;
    if (isReserved(requested.toLowerCase())) return undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return { status: 405, headers: { ...BASE_HEADERS, Allow: 'GET, HEAD' } };
    const head = req.method === 'HEAD';
    if (requested === '/config.json' && options.configJson !== undefined) {
      return answer(
        head,
        200,
        { 'content-type': CONTENT_TYPES['.json'], 'Cache-Control': 'no-store' },
        Buffer.from(options.configJson),
      );
    }
    const file = resolveInside(root, requested);
    if (file === 'malformed')
      return answer(head, 400, { 'content-type': CONTENT_TYPES['.txt'] }, Buffer.from('Malformed path'));
    const notFound = () => answer(head, 404, { 'content-type': CONTENT_TYPES['.txt'] }, Buffer.from('Not found'));
    if (file === 'refused') return notFound();
    const found = await existingFile(file);
    if (found) return serveFile(head, found, requested);
    // Paths that look like files are missing files; anything else is a page of the app.
    if (path.posix.extname(requested)) return notFound();
    const index = await existingFile(path.join(root, 'index.html'));
    if (!index) {
      return answer(
        head,
        404,
        { 'content-type': CONTENT_TYPES['.txt'] },
        Buffer.from(`No index.html in ${root}: build the wizard with npm run build:web`),
      );
    }
    return serveFile(head, index, '/index.html');
  };
}

/** The file a URL path names inside `root`; `refused` when it would leave it (`..`) or names a dotfile. */
function resolveInside(root: string, urlPath: string): string | 'refused' | 'malformed' {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return 'malformed';
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return 'malformed';
  const segments = decoded.split('/').filter(Boolean);
  if (segments.some((s) => s.startsWith('.'))) return 'refused';
  const file = path.resolve(root, ...segments);
  return file === root || file.startsWith(root + path.sep) ? file : 'refused';
}

/** The file itself, or the index.html of a folder; undefined when neither exists. */
async function existingFile(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    if (info.isFile()) return file;
    if (info.isDirectory()) return existingFile(path.join(file, 'index.html'));
  } catch {
    return undefined;
  }
  return undefined;
}

async function serveFile(head: boolean, file: string, urlPath: string): Promise<HostResponse> {
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const cache = IMMUTABLE.test(urlPath) ? 'public, max-age=31536000, immutable' : 'no-cache';
  const page = type.startsWith('text/html') ? PAGE_HEADERS : {};
  return answer(head, 200, { 'content-type': type, 'Cache-Control': cache, ...page }, await readFile(file));
}

function answer(head: boolean, status: number, headers: Record<string, string>, body: Buffer): HostResponse {
  return {
    status,
    headers: { ...BASE_HEADERS, ...headers, 'Content-Length': String(body.length) },
    body: head ? undefined : body,
  };
}
