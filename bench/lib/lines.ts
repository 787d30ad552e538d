/** Realistic nginx log lines for benches, from the traffic generator (`gen/`), deterministic per seed. */
import { compileLogFormat, createGenerator, KNOWN_VARIABLES } from '../../gen/index.ts';

export function generateLines(count: number, format = 'json', seed = 42): string[] {
  const generator = createGenerator({ seed, rate: 2000, start: Date.parse('2025-01-10T14:00:00Z') });
  const logFormat = compileLogFormat(format, KNOWN_VARIABLES);
  const lines = new Array<string>(count);
  for (let i = 0; i < count; i++) lines[i] = generator.render(generator.next(), logFormat);
  return lines;
}
