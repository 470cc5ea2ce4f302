import { readFile } from 'node:fs/promises';

/** Linux counts process CPU time in clock ticks of 1/100 s (USER_HZ on every mainstream architecture). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) process `pid` has used so far, in seconds (Linux /proc); undefined when it is gone. */
export async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 (state) on: utime is field 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
