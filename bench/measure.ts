/**
 * Runs `run` `warmup` times, then `requests` times one after another, and prints the median
 * and p95 latency: the one way the benchmarks measure.
 */
export async function measure(
  name: string,
  run: () => Promise<unknown>,
  options: { requests: number; warmup?: number },
): Promise<void> {
  for (let i = 0; i < (options.warmup ?? 20); i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < options.requests; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(2);
  process.stdout.write(`${name.padEnd(46)} median ${at(0.5)} ms   p95 ${at(0.95)} ms   (${options.requests} requests)\n`);
}
