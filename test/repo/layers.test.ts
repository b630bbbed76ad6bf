// The shape of the tree, read from the import lines of its modules (static imports and
// re-exports, types included): no import circle, and every import points down the layers
//   pipelines/  ←  read side (dashboards/queries/, dashboards/i18n/)  ←  dashboards/  ←  server/
// The server may import the dashboards (it serves them), never the other way round; the read
// side (queries, scope, UI text) imports only pipelines/, so both can stand on it. And the
// modules that name and start runs from the server reach no part of the loader (exceljs).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FOLDERS = ['pipelines', 'dashboards', 'server', 'bench'];
const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** Every module of the product: its path from the root → the specifiers it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const folder of FOLDERS) {
    for (const entry of readdirSync(path.join(ROOT, folder), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const file = path.relative(ROOT, path.join(entry.parentPath, entry.name));
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      graph.set(file, [...text.matchAll(IMPORT)].map((m) => m[1]!));
    }
  }
  return graph;
}

const graph = importGraph();

/** The modules of the tree a module imports (relative specifiers resolved). */
function localImports(file: string): string[] {
  return (graph.get(file) ?? []).filter((s) => s.startsWith('.')).map((s) => path.normalize(path.join(path.dirname(file), s)));
}

function layerOf(file: string): number | undefined {
  if (file.startsWith('pipelines/')) return 0;
  if (file.startsWith('dashboards/queries/') || file.startsWith('dashboards/i18n/')) return 1;
  if (file.startsWith('dashboards/')) return 2;
  if (file.startsWith('server/')) return 3;
  return undefined; // bench/: a user of everything
}

describe('the import graph', () => {
  it('reads the tree (sanity: the modules and their imports are found)', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(localImports('server/app.ts')).toContain('server/app-context.ts');
  });

  it('has no circle', () => {
    // Tarjan's strongly connected components: a component of more than one module is a circle.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const circles: string[][] = [];
    let next = 0;
    const visit = (v: string) => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      for (const w of localImports(v).filter((w) => graph.has(w))) {
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) circles.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    expect(circles).toEqual([]);
  });

  it('points down the layers only', () => {
    const upward: string[] = [];
    for (const file of graph.keys()) {
      const from = layerOf(file);
      if (from === undefined) continue;
      for (const target of localImports(file)) {
        const to = layerOf(target);
        if (to !== undefined && to > from) upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('lets the server name and start runs without loading the loader', () => {
    const reached = new Set<string>();
    const walk = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const target of localImports(file)) if (graph.has(target)) walk(target);
    };
    walk('server/refresh/runner.ts');
    walk('server/refresh/scheduler.ts');
    const loaders = [...reached].filter((file) => graph.get(file)!.includes('exceljs'));
    expect(loaders).toEqual([]);
    // the check can fail: the refresh itself does reach it
    reached.clear();
    walk('pipelines/run/refresh.ts');
    expect([...reached].some((file) => graph.get(file)!.includes('exceljs'))).toBe(true);
  });
});
