import { readFileSync } from 'node:fs';

/**
 * Clock ticks per second of the utime and stime fields in /proc/<pid>/stat. Linux has used 100
 * (USER_HZ) on every common architecture for decades; `getconf CLK_TCK` prints it.
 */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Returns the CPU time (user plus system) that a process has used so far, in milliseconds, from
 * /proc/<pid>/stat. The resolution is 10 ms, so measure over seconds, not single requests.
 */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces, so count from its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, so 11 and 12 after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory of a process in MiB: the current value and the peak since it started. */
export interface ResidentMemory {
  rssMiB: number;
  peakMiB: number;
}

/** Reads VmRSS and VmHWM (peak resident set size) from /proc/<pid>/status. */
export function residentMemory(pid: number): ResidentMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name} line`);
    return Number(match[1]);
  };
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}
