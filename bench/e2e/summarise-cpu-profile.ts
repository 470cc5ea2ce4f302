// Reads V8 .cpuprofile files (node --cpu-prof) and prints where the busy time went: by
// package or project folder, and the top functions by self time. Idle time is left out.
//   node --import tsx bench/e2e/summarise-cpu-profile.ts [--top N] FILE.cpuprofile...
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of a profile, ms, by function and by where the function lives. */
export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  byPlace: Map<string, number>;
  byFunction: Map<string, number>;
  /** Each sample charged to the nearest project function on its stack (what project code caused the time). */
  byProjectCaller: Map<string, number>;
}

/** Adds up a profile's samples (each one's time is the delta to the next sample). */
export function summariseProfile(profile: CpuProfile): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const summary: ProfileSummary = { busyMs: 0, idleMs: 0, byPlace: new Map(), byFunction: new Map(), byProjectCaller: new Map() };
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const frame = nodes.get(profile.samples[i])?.callFrame;
    if (frame === undefined) continue;
    if (frame.functionName === '(idle)') {
      summary.idleMs += ms;
      continue;
    }
    summary.busyMs += ms;
    const place = placeOf(frame.url, frame.functionName);
    add(summary.byPlace, place, ms);
    add(summary.byFunction, nameOf(frame), ms);
    let id: number | undefined = profile.samples[i];
    let caller = '(no project frame)';
    while (id !== undefined) {
      const callerFrame = nodes.get(id)?.callFrame;
      if (callerFrame !== undefined && PROJECT_URL.test(callerFrame.url) && !callerFrame.url.includes('node_modules')) {
        caller = nameOf(callerFrame);
        break;
      }
      id = parents.get(id);
    }
    add(summary.byProjectCaller, caller, ms);
  }
  return summary;
}

/** Frames of the project's own code (not generated code, not packages). */
export const PROJECT_URL = /\/(services|shared|bench|bin)\/(?!generated)/;

/** `function file:line` of a frame. */
export function nameOf(frame: ProfileNode['callFrame']): string {
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

/** node_modules/<package>, node:<module>, the project folder (services/gateway, shared/grpc…), or V8's own entries. */
export function placeOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return url;
  const project = /\/(services\/[^/]+|shared\/[^/]+|bench\/[^/]+|bin|test)\//.exec(url);
  return project ? project[1] : url;
}

function shortUrl(url: string): string {
  const modules = /node_modules\/(.*)$/.exec(url);
  if (modules) return modules[1];
  const project = /\/((?:services|shared|bench|bin|test)\/.*)$/.exec(url);
  return project ? project[1] : url;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
  const top = Number(values.top);
  for (const file of positionals) {
    const summary = summariseProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile);
    const pct = (ms: number): string => `${((100 * ms) / summary.busyMs).toFixed(1).padStart(5)} %`;
    const sorted = (map: Map<string, number>): [string, number][] => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
    console.log(`\n## ${basename(file)}: busy ${(summary.busyMs / 1000).toFixed(1)} s, idle ${(summary.idleMs / 1000).toFixed(1)} s`);
    console.log('\nby place (self time):');
    for (const [place, ms] of sorted(summary.byPlace)) console.log(`  ${pct(ms)}  ${place}`);
    console.log('\ntop functions (self time):');
    for (const [name, ms] of sorted(summary.byFunction)) console.log(`  ${pct(ms)}  ${name}`);
    console.log('\nby nearest project function on the stack:');
    for (const [name, ms] of sorted(summary.byProjectCaller)) console.log(`  ${pct(ms)}  ${name}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(basename(process.argv[1]))) await main();
