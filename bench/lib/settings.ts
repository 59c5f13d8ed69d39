/**
 * Run settings. `BENCH_QUICK=1` shortens every benchmark to a smoke run of about a minute whose
 * figures are too short to quote; `pnpm bench` without it took 306 s on 2 cores.
 */
export interface BenchSettings {
  quick: boolean;
  /** Seconds of load per HTTP measurement. */
  loadSeconds: number;
  /** Interleaved rounds of the stats path comparison; the median is reported. */
  rounds: number;
  /** Concurrent connections of the HTTP load generator. */
  connections: number;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  return quick
    ? { quick, loadSeconds: 1, rounds: 1, connections: 32 }
    : { quick, loadSeconds: 8, rounds: 3, connections: 32 };
}
