// Resident memory of other processes from /proc, so that a benchmark can report what each
// service holds (ranking's item table, a shard's index) beside its CPU.
import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes (VmRSS), undefined when it is gone. */
export function processRssBytes(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}

