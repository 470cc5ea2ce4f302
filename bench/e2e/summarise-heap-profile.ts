// Reads sampled allocation profiles (.heapprofile, from heap-profile-preload.ts) and prints what
// allocated on the JS heap: by package or project folder, by function, and by the nearest
// project function on the stack. Freed objects count too: they are what makes scavenges frequent.
//   node --import tsx bench/e2e/summarise-heap-profile.ts [--top N] [--requests N] FILE.heapprofile...
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_URL, nameOf, placeOf } from './summarise-cpu-profile.js';

interface HeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapProfileNode[];
}

/** Bytes allocated by place, by function and by nearest project caller. */
export interface AllocationSummary {
  totalBytes: number;
  byPlace: Map<string, number>;
  byFunction: Map<string, number>;
  byProjectCaller: Map<string, number>;
}

/** Adds up the sampled allocation tree. */
export function summariseAllocations(head: HeapProfileNode): AllocationSummary {
  const summary: AllocationSummary = { totalBytes: 0, byPlace: new Map(), byFunction: new Map(), byProjectCaller: new Map() };
  const add = (map: Map<string, number>, key: string, bytes: number): void => void map.set(key, (map.get(key) ?? 0) + bytes);
  const visit = (node: HeapProfileNode, caller: string): void => {
    const frame = node.callFrame;
    const own = PROJECT_URL.test(frame.url) && !frame.url.includes('node_modules') ? nameOf(frame) : caller;
    if (node.selfSize > 0) {
      summary.totalBytes += node.selfSize;
      add(summary.byPlace, placeOf(frame.url, frame.functionName), node.selfSize);
      add(summary.byFunction, nameOf(frame), node.selfSize);
      add(summary.byProjectCaller, own, node.selfSize);
    }
    for (const child of node.children) visit(child, own);
  };
  visit(head, '(no project frame)');
  return summary;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' }, requests: { type: 'string' } }, allowPositionals: true });
  const top = Number(values.top);
  const requests = values.requests === undefined ? undefined : Number(values.requests);
  for (const file of positionals) {
    const { head } = JSON.parse(await readFile(file, 'utf8')) as { head: HeapProfileNode };
    const summary = summariseAllocations(head);
    const pct = (bytes: number): string => `${((100 * bytes) / summary.totalBytes).toFixed(1).padStart(5)} %`;
    const sorted = (map: Map<string, number>): [string, number][] => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
    const perRequest = requests === undefined ? '' : `, ${(summary.totalBytes / requests / 1024).toFixed(1)} KiB per request`;
    console.log(`\n## ${basename(file)}: ${(summary.totalBytes / 2 ** 20).toFixed(0)} MiB allocated${perRequest}`);
    for (const [title, map] of [['by place', summary.byPlace], ['top functions', summary.byFunction], ['by nearest project function on the stack', summary.byProjectCaller]] as const) {
      console.log(`\n${title}:`);
      for (const [name, bytes] of sorted(map)) console.log(`  ${pct(bytes)}  ${name}`);
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(basename(process.argv[1]))) await main();
