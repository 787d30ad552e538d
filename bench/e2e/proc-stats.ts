/**
 * CPU and memory of another process, from /proc (proc(5)): utime + stime in clock ticks from
 * `/proc/<pid>/stat` (all threads of the process, which for Node includes the libuv pool doing zlib),
 * and VmHWM, the peak resident set size, from `/proc/<pid>/status`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds the process has used so far (user + system). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: split after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Peak and current resident set size in bytes. */
export function memory(pid: number): { peakRssBytes: number; rssBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { peakRssBytes: kib('VmHWM'), rssBytes: kib('VmRSS') };
}

export interface CpuWindow {
  /** Ends the window: CPU % of one core over it, and the peak RSS so far. */
  end(): {
    cpuPercent: number;
    cpuSeconds: number;
    wallSeconds: number;
    peakRssBytes: number;
    /** RSS when the window started (the process idle, before the load). */
    startRssBytes: number;
  };
}

/** Starts measuring a process's CPU over a window of wall time. */
export function startCpuWindow(pid: number): CpuWindow {
  const cpu0 = cpuSeconds(pid);
  const startRssBytes = memory(pid).rssBytes;
  const t0 = performance.now();
  return {
    end() {
      const used = cpuSeconds(pid) - cpu0;
      const wallSeconds = (performance.now() - t0) / 1000;
      return {
        cpuPercent: (used / wallSeconds) * 100,
        cpuSeconds: used,
        wallSeconds,
        peakRssBytes: memory(pid).peakRssBytes,
        startRssBytes,
      };
    },
  };
}
