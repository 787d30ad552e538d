/** Wall time and CPU time of a piece of work in this process (CPU includes the libuv pool's zlib work). */
export interface Measurement {
  wallSeconds: number;
  cpuSeconds: number;
}

export async function measure(work: () => Promise<void> | void): Promise<Measurement> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

export function formatRate(value: number, unit: string): string {
  return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
}

/** Prints a Markdown table, so a bench's output can go into the README as it is. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}
