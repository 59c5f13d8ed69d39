// Benchmark 1: the stats path without storage cost. The worker with `--storage memory:` against
// a bare node:http server with the same validation and arithmetic, in interleaved rounds.
import { startScriptServer, startWorker, type ServerProcess } from './lib/child.js';
import { JSON_HEADERS, runLoad, STATS_BODY, type LoadResult } from './lib/load.js';
import { formatNumber, formatRatio, medianOf } from './lib/numbers.js';
import { cpuTimeMs } from './lib/proc.js';
import type { BenchmarkReport } from './lib/report.js';
import type { BenchSettings } from './lib/settings.js';

const BARE_SERVER = 'bench/servers/bare-stats-server.ts';
const KOA_SERVER = 'bench/servers/koa-stats-server.ts';

/** Share of the bare server's requests/s that the worker should reach. */
const TARGET_THROUGHPUT_RATIO = 0.8;

/** Seconds of load before each measured run, so both servers are measured after JIT warm-up. */
const WARMUP_SECONDS = 1;

interface Contender {
  name: string;
  start(): Promise<ServerProcess>;
}

const CONTENDERS: Contender[] = [
  { name: 'bare node:http', start: () => startScriptServer(BARE_SERVER) },
  { name: 'Koa + @koa/router only', start: () => startScriptServer(KOA_SERVER) },
  { name: 'worker (memory:)', start: () => startWorker(['--storage', 'memory:']) },
];

interface StatsRun extends LoadResult {
  /** CPU time of the server process per response, in microseconds. */
  cpuPerRequestUs: number;
}

/** Starts a fresh server, warms it up, measures it under load and stops it. */
async function measure(contender: Contender, settings: BenchSettings): Promise<StatsRun> {
  const server = await contender.start();
  try {
    const load = { url: server.url, method: 'POST' as const, path: '/v1/stats', body: STATS_BODY, headers: JSON_HEADERS, connections: settings.connections };
    await runLoad({ ...load, durationSeconds: WARMUP_SECONDS });
    const cpuBefore = cpuTimeMs(server.pid);
    const result = await runLoad({ ...load, durationSeconds: settings.loadSeconds });
    const cpuPerRequestUs = ((cpuTimeMs(server.pid) - cpuBefore) * 1000) / result.responses;
    return { ...result, cpuPerRequestUs };
  } finally {
    await server.stop();
  }
}

export async function benchStatsPath(settings: BenchSettings, log: (line: string) => void): Promise<BenchmarkReport> {
  const startedAt = performance.now();
  const results = new Map<string, StatsRun[]>(CONTENDERS.map((contender) => [contender.name, []]));

  for (let round = 0; round < settings.rounds; round++) {
    // Alternate the order, so that a drift in machine load does not favour one server.
    const order = round % 2 === 0 ? CONTENDERS : [...CONTENDERS].reverse();
    for (const contender of order) {
      const result = await measure(contender, settings);
      results.get(contender.name)!.push(result);
      log(
        `stats path round ${round + 1}: ${contender.name} ${formatNumber(result.requestsPerSecond)} requests/s, ` +
          `p99 ${result.latencyP99Ms} ms, ${formatNumber(result.cpuPerRequestUs, 1)} µs CPU per request`,
      );
    }
  }

  const summary = CONTENDERS.map((contender) => {
    const runs = results.get(contender.name)!;
    return {
      name: contender.name,
      requestsPerSecond: medianOf(runs.map((run) => run.requestsPerSecond)),
      p99: medianOf(runs.map((run) => run.latencyP99Ms)),
      cpuPerRequestUs: medianOf(runs.map((run) => run.cpuPerRequestUs)),
      errors: runs.reduce((sum, run) => sum + run.errors + run.non2xx, 0),
      runs: runs.map((run) => formatNumber(run.requestsPerSecond)).join(', '),
    };
  });
  const bare = summary[0]!;
  const worker = summary[summary.length - 1]!;
  const ratio = worker.requestsPerSecond / bare.requestsPerSecond;

  return {
    id: '1',
    title: 'Stats path without storage cost',
    seconds: (performance.now() - startedAt) / 1000,
    tables: [
      {
        title: `POST /v1/stats with 10 numbers, ${settings.connections} connections, ${settings.loadSeconds} s per run, median of ${settings.rounds} interleaved runs`,
        columns: ['server', 'requests/s', 'ratio to bare', 'p99 latency (ms)', 'server CPU per request (µs)', 'failed or non-2xx', 'requests/s per run'],
        rows: summary.map((row) => [
          row.name,
          formatNumber(row.requestsPerSecond),
          formatRatio(row.requestsPerSecond / bare.requestsPerSecond),
          formatNumber(row.p99, 1),
          formatNumber(row.cpuPerRequestUs, 1),
          String(row.errors),
          row.runs,
        ]),
        notes: [
          'The load generator (autocannon) runs on the same machine and takes about one core of the two. ' +
            'Server CPU per request is the utime plus stime of the server process during the measured run, divided by its responses.',
        ],
      },
    ],
    targets: [
      {
        target: `worker requests/s at least ${TARGET_THROUGHPUT_RATIO} of bare node:http`,
        measured: formatRatio(ratio),
        met: ratio >= TARGET_THROUGHPUT_RATIO,
      },
    ],
  };
}
