// The layout's import rules, read from the code itself (README "Code map"): no cycle between folders of main/, main and
// renderer never import each other, jobs/ stays below the services (no lab/, no store/), common/ imports nothing of
// anyone else's and nothing platform-bound, preload/ is only the bridge.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const SOURCE = /\.(ts|mts|mjs|vue)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : SOURCE.test(name) ? [full] : [];
  });
}

/** Every module specifier of a file: static imports and re-exports (type-only ones too), dynamic import('…'). */
export function specifiers(text: string): string[] {
  return imports(text).map((i) => i.spec);
}

/** The imports of a file, each with whether it is type-only (`import type …`, `export type … from`): gone at run time. */
export function imports(text: string): Array<{ spec: string; typeOnly: boolean }> {
  const out: Array<{ spec: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(/\b(import|export)\s([^'"`;]*?)\bfrom\s*['"]([^'"]+)['"]/g)) out.push({ spec: m[3], typeOnly: /^type\s/.test(m[2]) });
  for (const m of text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1], typeOnly: false });
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push({ spec: m[1], typeOnly: false });
  return out;
}

const CANDIDATES = ['', '.ts', '.mts', '.mjs', '.vue', '.json', '/index.ts'];
function resolveRelative(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const ext of CANDIDATES) {
    const p = base + ext;
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not this one
    }
  }
  return null;
}

interface Edge {
  from: string;
  to: string;
}

/** Repo-relative edges between source files (relative imports only), and the bare specifiers per file. */
function readGraph(folders: string[]): { edges: Edge[]; bare: Array<{ from: string; spec: string; typeOnly: boolean }>; unresolved: Edge[] } {
  const edges: Edge[] = [];
  const bare: Array<{ from: string; spec: string; typeOnly: boolean }> = [];
  const unresolved: Edge[] = [];
  for (const folder of folders) {
    for (const file of walk(join(ROOT, folder))) {
      const from = relative(ROOT, file);
      for (const { spec, typeOnly } of imports(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) {
          bare.push({ from, spec, typeOnly });
          continue;
        }
        const target = resolveRelative(file, spec);
        if (target === null) unresolved.push({ from, to: spec });
        else edges.push({ from, to: relative(ROOT, target) });
      }
    }
  }
  return { edges, bare, unresolved };
}

const graph = readGraph(['main', 'renderer', 'common', 'preload']);
const under = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}/`);
const show = (edges: Edge[]): string[] => edges.map((e) => `${e.from} -> ${e.to}`);

/** Folders whose subfolders are peers (one per capability or job kind): a cycle between two of them counts too. */
const SPLIT = ['main/lab', 'main/jobs'];

/**
 * The folder a file of main/ belongs to for the cycle rule: its top folder (main/cli, with cli/commands inside it),
 * or for lab/ and jobs/ its capability folder (main/lab/runs); files directly in lab/ (the entry and the boundary) are
 * the unit main/lab, so a service importing the entry is a cycle.
 */
function unit(file: string): string {
  const parts = file.split('/');
  const top = parts.slice(0, 2).join('/');
  return SPLIT.includes(top) && parts.length > 3 ? parts.slice(0, 3).join('/') : top;
}

/** Strongly connected components of a directed graph with more than one node (Tarjan). */
export function cycles(nodes: string[], next: (n: string) => string[]): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return found;
}

describe('import rules', () => {
  it('reads the imports it judges (every relative import resolves to a file)', () => {
    expect(graph.edges.length).toBeGreaterThan(500);
    expect(show(graph.unresolved)).toEqual([]);
  });

  it('has no import cycle between folders of main/ (its top folders, and the capability folders of lab/ and jobs/)', () => {
    const inMain = graph.edges.filter((e) => under(e.from, 'main') && under(e.to, 'main') && unit(e.from) !== unit(e.to));
    const next = new Map<string, Set<string>>();
    for (const e of inMain) {
      const set = next.get(unit(e.from)) ?? new Set<string>();
      set.add(unit(e.to));
      next.set(unit(e.from), set);
    }
    const found = cycles([...next.keys()], (d) => [...(next.get(d) ?? [])]);
    // each cycle with the imports that close it, so the message says which line to change
    const detail = found.map((scc) => ({ folders: scc, imports: show(inMain.filter((e) => scc.includes(unit(e.from)) && scc.includes(unit(e.to)))) }));
    expect(detail).toEqual([]);
  });

  it('main/ never imports renderer/, and renderer/ never imports main/ or preload/', () => {
    expect(show(graph.edges.filter((e) => under(e.from, 'main') && under(e.to, 'renderer')))).toEqual([]);
    expect(show(graph.edges.filter((e) => under(e.from, 'renderer') && (under(e.to, 'main') || under(e.to, 'preload'))))).toEqual([]);
  });

  it('main/jobs/ (the worker side) never imports the services (main/lab/) or the store (main/store/)', () => {
    expect(show(graph.edges.filter((e) => under(e.from, 'main/jobs') && (under(e.to, 'main/lab') || under(e.to, 'main/store'))))).toEqual([]);
  });

  it('only the front doors import the service layer: main/lab/ is imported from app/, server/, cli/ and itself', () => {
    const doors = ['main/app', 'main/server', 'main/cli', 'main/lab'];
    expect(show(graph.edges.filter((e) => under(e.to, 'main/lab') && !doors.some((d) => under(e.from, d))))).toEqual([]);
  });

  it('the CLI never reaches ml/, onnx/ or native-kernels/: every engine answers behind lab.call', () => {
    // fill, sample, attention, export-onnx and onnx inspect|run go through lab.call (probe.* and analysis.*, answered in
    // the analysis worker); README "Code map", cli row
    const engine = (to: string): boolean => under(to, 'main/ml') || under(to, 'main/onnx') || under(to, 'native-kernels');
    expect(show(graph.edges.filter((e) => under(e.from, 'main/cli') && engine(e.to)))).toEqual([]);
  });

  it('CLI commands use the lab only through lab.call and its events (lab.on), never its services or scheduler', () => {
    // train, embeddings train and finetune start runs through runs.start / runs.resume / embeddings.train / finetune.start; compare and
    // seq2seq-compare through experiments.create / seq2seq.create; all of them follow their runs with cli/follow.ts (README "Code map", cli row)
    const commands = walk(join(ROOT, 'main/cli/commands')).map((f) => relative(ROOT, f));
    const doors = commands.flatMap((f) => [...readFileSync(join(ROOT, f), 'utf8')
      .matchAll(/\b(?:ctx\.lab\(\)|lab)\.(\w+)/g)].filter((m) => m[1] !== 'call' && m[1] !== 'on').map((m) => `${f}: ${m[0]}`));
    expect(doors).toEqual([]);
  });

  it('common/ imports only common/, zod and types: no node:, no electron, no DOM, nothing of main/ or renderer/', () => {
    expect(show(graph.edges.filter((e) => under(e.from, 'common') && !under(e.to, 'common')))).toEqual([]);
    // a type-only import (echarts' option types) is gone at run time; node: and electron are refused even as types
    const platform = (spec: string): boolean => spec.startsWith('node:') || spec === 'electron' || spec.startsWith('electron/');
    const refused = graph.bare.filter((b) => under(b.from, 'common') && b.spec !== 'zod' && (!b.typeOnly || platform(b.spec)));
    expect(refused.map((b) => `${b.from}: ${b.spec}`)).toEqual([]);
  });

  it('preload/ is the bridge only: it imports electron and the contract in common/api, nothing else', () => {
    expect(show(graph.edges.filter((e) => under(e.from, 'preload') && !under(e.to, 'common/api')))).toEqual([]);
    expect(graph.bare.filter((b) => under(b.from, 'preload') && b.spec !== 'electron').map((b) => `${b.from}: ${b.spec}`)).toEqual([]);
  });

  it('electron is imported only by main/app/ and preload/', () => {
    const electron = graph.bare.filter((b) => b.spec === 'electron' || b.spec.startsWith('electron/'));
    expect(electron.filter((b) => !under(b.from, 'main/app') && !under(b.from, 'preload')).map((b) => b.from)).toEqual([]);
  });
});

describe('the rule reader itself', () => {
  it('finds static, type-only, re-exported, dynamic and side-effect imports', () => {
    const text = [
      "import a from './a';", "import type { B } from '../b';", "export { c } from './c';", "export * from './d';",
      "const e = await import('./e');", "import './f.css';", "import {\n  g,\n  h,\n} from './gh';",
    ].join('\n');
    expect(specifiers(text).sort()).toEqual(['../b', './a', './c', './d', './e', './f.css', './gh']);
    expect(imports(text).filter((i) => i.typeOnly).map((i) => i.spec)).toEqual(['../b']);
  });

  it('finds a cycle of three folders and leaves a chain alone', () => {
    const ring: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['a'] };
    expect(cycles(Object.keys(ring), (n) => ring[n] ?? [])).toEqual([['a', 'b', 'c']]);
    const chain: Record<string, string[]> = { a: ['b'], b: ['c'] };
    expect(cycles(Object.keys(chain), (n) => chain[n] ?? [])).toEqual([]);
  });
});
