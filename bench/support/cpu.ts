import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Cpu {
  service: number;
  database: number;
}

/** CPU time (ms: utime + stime) a process has used so far, from /proc (100 Hz ticks). */
export function processCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** mariadbd's (or mysqld's) pid when the benchmark runs on MySQL/MariaDB (BENCH_DATABASE_URL). */
export const databasePid = (() => {
  if (!process.env.BENCH_DATABASE_URL) return undefined;
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const pid = Number(execFileSync('pidof', [name]).toString().trim().split(' ')[0]);
      if (pid) return pid;
    } catch {
      // not running under this name
    }
  }
  return undefined;
})();

/** CPU time (ms) spent so far by the service and, on MariaDB, by mariadbd (SQLite runs inside the service). */
export function cpu(pid: number): Cpu {
  return { service: processCpuMs(pid), database: processCpuMs(databasePid) };
}
