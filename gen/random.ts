/**
 * A small seeded PRNG (mulberry32) and the distributions the traffic model draws from. Seeded, so
 * `accesslake gen --seed 7` writes the same requests every run; not for anything security-related.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** Exponential gap with the given mean rate (events per unit): Poisson arrivals. */
  exponential(rate: number): number;
  /** Log-normal with the given median; sigma sets the spread (1 ≈ p99 at 10× the median). */
  logNormal(median: number, sigma: number): number;
  /** Pareto with scale 1 and the given shape: the heavy tail of slow requests. */
  pareto(shape: number): number;
  /** `length` characters from [a-z0-9]. */
  token(length: number): string;
  /** `length` lowercase hex digits. */
  hex(length: number): string;
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Creates a generator; the same seed always gives the same sequence. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    // mulberry32: tiny, fast, passes the statistical tests that matter for test data.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const gaussian = () => {
    // Box–Muller; 1 - next() keeps the logarithm's argument in (0, 1].
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const chars = (alphabet: string, length: number) => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(items) {
      let total = 0;
      for (const [, weight] of items) total += weight;
      let r = next() * total;
      for (const [value, weight] of items) {
        r -= weight;
        if (r < 0) return value;
      }
      return items[items.length - 1]![0];
    },
    exponential: (rate) => -Math.log(1 - next()) / rate,
    logNormal: (median, sigma) => median * Math.exp(sigma * gaussian()),
    pareto: (shape) => (1 - next()) ** (-1 / shape),
    token: (length) => chars(ALPHANUMERIC, length),
    hex: (length) => chars('0123456789abcdef', length),
  };
}
