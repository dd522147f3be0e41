import { readFileSync } from 'node:fs';

/** /proc reports CPU times in USER_HZ, 100 per second on Linux whatever the kernel's tick rate. */
const USER_HZ = 100;

/** CPU time (user + system) a process has used so far, in microseconds, from `/proc/<pid>/stat`. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state; utime and stime are the 14th and 15th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / USER_HZ;
}

/** Read and write system calls (reads, recvs, writes, sends) a process has made so far, from `/proc/<pid>/io`. */
export function readWriteSyscalls(pid: number | 'self'): number {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const count = (field: string) => Number(new RegExp(`^${field}: (\\d+)$`, 'm').exec(io)?.[1] ?? 0);
  return count('syscr') + count('syscw');
}
