#!/usr/bin/env node
// Fails when the TypeScript modules import each other in a circle (`make lint`). Every static
// import and re-export counts, type-only ones too: a circle of types is still two modules that
// cannot be understood, tested or moved apart. Usage: check-import-cycles.mjs [root folder].
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Folders that hold no hand-written modules of the project. */
const SKIPPED = new Set(['node_modules', 'dist', 'reports', '.data', '.git', 'generated']);

function sourceFiles(folder) {
  const files = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** The project files a module imports statically (relative specifiers; `.js` names its `.ts`). */
function importsOf(file, known) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const targets = [];
  for (const statement of source.statements) {
    const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
    const target = resolve(dirname(file), specifier.text.replace(/\.js$/, '.ts'));
    if (known.has(target)) targets.push(target);
  }
  return targets;
}

/** Strongly connected components of more than one module, or of one that imports itself (Tarjan). */
export function importCycles(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node).includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The import graph of every module below `root`. */
export function importGraph(root) {
  const files = sourceFiles(root);
  const known = new Set(files);
  return new Map(files.map((file) => [file, importsOf(file, known)]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? '.');
  const graph = importGraph(root);
  const cycles = importCycles(graph);
  for (const cycle of cycles) console.error(`import cycle: ${cycle.map((file) => relative(root, file)).join(' <-> ')}`);
  if (cycles.length > 0) {
    console.error(`${cycles.length} import cycle(s) among ${graph.size} modules: move the shared type or function to the module that owns it`);
    process.exit(1);
  }
  console.log(`no import cycles among ${graph.size} modules`);
}
