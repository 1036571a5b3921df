/** ASP.NET-style route templates as Azure Functions accepts them: literals, {name}, {name?}, {name:int}, {*rest}. */
export interface CompiledRoute {
  template: string;
  /** Higher is more specific: literal segments win over parameters. */
  specificity: number;
  match(path: string): Record<string, string> | undefined;
}

const CONSTRAINTS: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  guid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
  alpha: /^[a-z]+$/i,
  bool: /^(true|false)$/i,
};

type Segment = { literal: string } | { name: string; optional: boolean; catchAll: boolean; constraint?: RegExp };

export function compileRoute(template: string): CompiledRoute {
  const segments: Segment[] = template
    .split('/')
    .filter(Boolean)
    .map((raw) => {
      const param = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?\}$/.exec(raw);
      if (!param) return { literal: raw.toLowerCase() };
      return {
        name: param[2],
        catchAll: !!param[1],
        optional: !!param[4],
        constraint: param[3] ? CONSTRAINTS[param[3]] : undefined,
      };
    });
  return {
    template,
    specificity: segments.filter((s) => 'literal' in s).length * 100 + segments.length,
    match(path: string) {
      const parts = path.split('/').filter(Boolean);
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i];
        const part = parts[i];
        if ('literal' in segment) {
          if (part === undefined || part.toLowerCase() !== segment.literal) return undefined;
          continue;
        }
        if (segment.catchAll) {
          params[segment.name] = parts.slice(i).map(decodeURIComponent).join('/');
          return params;
        }
        if (part === undefined) {
          if (segment.optional) continue;
          return undefined;
        }
        const value = decodeURIComponent(part);
        if (segment.constraint && !segment.constraint.test(value)) return undefined;
        params[segment.name] = value;
      }
      return parts.length <= segments.length ? params : undefined;
    },
  };
}
