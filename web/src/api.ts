/** The registration API over fetch: bearer token on every call, problem+json turned into `ApiProblem`. */

export interface FieldProblem {
  code: string;
  message: string;
  field?: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export type Api = <T = unknown>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;

export function createApi(base: string, token: () => Promise<string>): Api {
  return async <T>(method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${await token()}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiProblem(
        0,
        'network',
        'The registration service could not be reached. Check your connection and try again.',
      );
    }
    const text = await res.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const p = (parsed ?? {}) as Partial<FieldProblem> & { errors?: FieldProblem[] };
      throw new ApiProblem(
        res.status,
        p.code ?? `http_${res.status}`,
        p.message ?? `The service answered ${res.status}. Try again in a moment.`,
        p.field,
        p.errors ?? [],
      );
    }
    return { status: res.status, body: parsed as T };
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
