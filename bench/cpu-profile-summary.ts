/**
 * Summarizes a .cpuprofile written by `--host-cpu-prof=DIR`:
 *   node dist/bench/cpu-profile-summary.js FILE [top=25]
 * Prints self time by package / host source file (also with node internals charged to the
 * package or file that called them), the heaviest functions by self time, and the
 * inclusive time of the host's own functions (local/durable-host/*), to see where the time goes.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives: an npm package, a file of this repo, node internals, or V8's own bucket. */
export function origin(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url) return `(${frame.functionName || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const repo = /\/dist\/(.*)\.js$/.exec(url);
  return repo ? repo[1] : url;
}

function summarize(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const pct = (us: number) =>
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms`;
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

  const byOrigin = new Map<string, number>();
  const byCaller = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    add(byOrigin, origin(frame), us);
    // Node internals and V8 builtins charged to the nearest package or repo file that called them.
    let owner = origin(frame);
    for (let n: number | undefined = id; n !== undefined && /^(node:|\()/.test(owner); n = parent.get(n)) {
      const o = origin(byId.get(n)!.callFrame);
      if (!/^(node:|\()/.test(o)) owner = o;
    }
    add(byCaller, owner, us);
    add(byFunction, `${frame.functionName || '(anonymous)'}  ${origin(frame)}:${frame.lineNumber + 1}`, us);
    // Inclusive time of this repo's functions: count each distinct one once per sample stack.
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      if (!/\/dist\/(local|bench)\//.test(f.url)) continue;
      const key = `${f.functionName || '(anonymous)'}  ${origin(f)}:${f.lineNumber + 1}`;
      if (!seen.has(key)) {
        seen.add(key);
        add(inclusive, key, us);
      }
    }
  }
  const print = (title: string, map: Map<string, number>) => {
    process.stdout.write(`\n${title}\n`);
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .forEach(([k, us]) => process.stdout.write(`${pct(us)}  ${k}\n`));
  };
  process.stdout.write(
    `${file}: ${(total / 1e6).toFixed(2)} s sampled over ${((profile.endTime - profile.startTime) / 1e6).toFixed(2)} s\n`,
  );
  print('self time by origin', byOrigin);
  print('self time, node internals charged to their caller', byCaller);
  print('self time by function', byFunction);
  print("inclusive time of the host's own functions", inclusive);
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/bench/cpu-profile-summary.js FILE.cpuprofile [top]\n');
    process.exit(2);
  }
  summarize(file, Number(top ?? 25));
}
