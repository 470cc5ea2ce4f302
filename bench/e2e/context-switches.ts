// Context switches of other processes, summed over their threads, from /proc: on a virtual
// machine every wake-up of a thread costs tens to hundreds of µs of CPU, so the switches per
// request tell how many hand-offs a request costs, apart from the work it does.
import { readFileSync, readdirSync } from 'node:fs';
import type { DlrsProcess } from '../../bin/demo/child-process.js';

/** Voluntary (a thread waited) and involuntary (a thread was preempted) context switches. */
export interface ContextSwitches {
  voluntary: number;
  involuntary: number;
}

/**
 * Context switches of all threads of a process so far, or undefined when it is gone. A thread
 * that ended before the call no longer counts; the services' threads live as long as they do.
 */
export function processContextSwitches(pid: number): ContextSwitches | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const sum: ContextSwitches = { voluntary: 0, involuntary: 0 };
  for (const task of tasks) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    sum.voluntary += statusField(status, 'voluntary_ctxt_switches');
    sum.involuntary += statusField(status, 'nonvoluntary_ctxt_switches');
  }
  return sum;
}

/** Context switches so far of each running process, by name. */
export function topologyContextSwitches(processes: readonly DlrsProcess[]): Map<string, ContextSwitches> {
  const switches = new Map<string, ContextSwitches>();
  for (const p of processes) {
    const counted = p.pid === undefined ? undefined : processContextSwitches(p.pid);
    if (counted !== undefined) switches.set(p.name, counted);
  }
  return switches;
}

/** A `name:\tN` line of /proc/PID/status (0 when absent). */
function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s*(\\d+)$`, 'm').exec(status);
  return match === null ? 0 : Number(match[1]);
}
