// CPU time of other processes (all their threads: ONNX Runtime's and USearch's too) from
// /proc, so that a benchmark can report CPU per request, which a busy machine distorts far
// less than latency or throughput.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { DlrsProcess } from '../../bin/demo/child-process.js';

/** Clock ticks per second of /proc's utime and stime (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/**
 * User + system CPU milliseconds a process has used so far (all its threads), or only its
 * main thread's (the event loop's) with `thread` 'main'; undefined when it is gone.
 */
export function processCpuMs(pid: number, thread: ThreadScope = 'all'): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(thread === 'all' ? `/proc/${pid}/stat` : `/proc/${pid}/task/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** All threads of a process, or its main thread only (the event loop; not GC helpers, JIT or worker threads). */
export type ThreadScope = 'all' | 'main';

/** CPU ms used so far by each running process (or its main thread), by name. */
export function topologyCpuMs(processes: readonly DlrsProcess[], thread: ThreadScope = 'all'): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const p of processes) {
    const ms = p.pid === undefined ? undefined : processCpuMs(p.pid, thread);
    if (ms !== undefined) cpu.set(p.name, ms);
  }
  return cpu;
}
