// Where a thread's time went, from a V8 CPU profile (node --cpu-prof): self time grouped by
// what the code belongs to (HTTP/2, grpc-js, protobuf, the ranking service, tracing, metrics, ...)
// and the functions with the most self time.
//   node --import tsx bench/ranking/profile-summary.ts FILE.cpuprofile [--top 25] [--last-ms N]
// --last-ms keeps only the profile's last N ms (the load phase, without start-up and warm-up).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Groups in order of precedence: the first whose test matches a frame's url (or name) takes its self time. */
const GROUPS: [string, (url: string, name: string) => boolean][] = [
  ['idle', (_url, name) => name === '(idle)'],
  ['garbage collector', (_url, name) => name === '(garbage collector)'],
  ['(program): native, unattributed', (_url, name) => name === '(program)'],
  ['protobufjs (encode/decode)', (url) => /protobufjs/.test(url)],
  ['grpc-js', (url) => url.includes('@grpc/grpc-js')],
  ['node http2 / net', (url) => /node:(internal\/)?(http2|net|stream_base_commons|internal\/http2)/.test(url)],
  ['node streams / events', (url) => /node:(internal\/streams|events|internal\/event_target|stream)/.test(url)],
  ['worker messaging', (url, name) => /node:internal\/worker|node:worker_threads|node:internal\/per_context\/messageport/.test(url) || /postMessage|MessagePort/.test(name)],
  ['opentelemetry (tracing, metrics SDK)', (url) => url.includes('@opentelemetry')],
  ['pino (logging)', (url) => /pino/.test(url)],
  ['shared/grpc (dlrs wrapper)', (url) => url.includes('/shared/grpc/')],
  ['shared/metrics', (url) => url.includes('/shared/metrics/')],
  ['services/ranking', (url) => url.includes('/services/ranking/')],
  ['tsx / module loading', (url) => /tsx|esbuild|node:internal\/modules/.test(url)],
  ['node timers / promises / buffers', (url) => /node:(internal\/)?(timers|process\/task_queues|buffer|internal\/buffer|perf_hooks|internal\/perf)/.test(url)],
  ['other node internals', (url) => url.startsWith('node:')],
  ['native / builtin (no url)', (url) => url === ''],
  ['other', () => true],
];

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, 'last-ms': { type: 'string' } } });
if (positionals.length !== 1) throw new Error('usage: profile-summary.ts FILE.cpuprofile [--top N]');
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
const spanUs = profile.timeDeltas.reduce((a, b) => a + b, 0);
const fromUs = values['last-ms'] === undefined ? 0 : spanUs - Number(values['last-ms']) * 1000;
let atUs = 0;
profile.samples.forEach((id, k) => {
  const deltaUs = profile.timeDeltas[k] ?? 0;
  atUs += deltaUs;
  if (atUs >= fromUs) selfUs.set(id, (selfUs.get(id) ?? 0) + deltaUs);
});

const groupUs = new Map<string, number>();
const functionUs = new Map<string, number>();
let totalUs = 0;
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
  const group = (GROUPS.find(([, test]) => test(url, functionName)) as [string, unknown])[0];
  groupUs.set(group, (groupUs.get(group) ?? 0) + us);
  const where = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/(services|shared|bench)\//, '$1/')}:${lineNumber + 1}`;
  functionUs.set(where, (functionUs.get(where) ?? 0) + us);
  totalUs += us;
}
const busyUs = totalUs - (groupUs.get('idle') ?? 0);
const share = (us: number, of: number): string => `${((100 * us) / of).toFixed(1).padStart(5)}%`;
console.log(`${positionals[0]}: ${(totalUs / 1e6).toFixed(2)} s sampled, ${(busyUs / 1e6).toFixed(2)} s busy`);
console.log('self time by group                          ms   of_busy');
for (const [group, us] of [...groupUs].sort((a, b) => b[1] - a[1])) {
  if (group === 'idle') continue;
  console.log(`${group.padEnd(38)} ${(us / 1000).toFixed(0).padStart(8)}  ${share(us, busyUs)}`);
}
console.log(`top ${values.top} functions by self time`);
for (const [where, us] of [...functionUs].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${share(us, busyUs)}  ${where}`);
}
