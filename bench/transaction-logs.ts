// Benchmark 2: the stats path with one log object per transaction on the S3 server, and the
// worker's peak memory (benchmark 6, first half). Contenders: a naive Koa server that sends one
// SDK PutObject per request, the worker with SDK puts (HOTDOG_S3_LEAN_PUT=0), and the worker with
// its default lean puts.
import { findLogLine, startScriptServer, startWorker, type ServerProcess } from './lib/child.js';
import { JSON_HEADERS, runLoad, STATS_BODY, type LoadResult } from './lib/load.js';
import { formatNumber, formatRatio, medianOf } from './lib/numbers.js';
import { cpuTimeMs, residentMemory } from './lib/proc.js';
import type { BenchmarkReport, TargetCheck } from './lib/report.js';
import { createTestBucket, listKeys, s3TestEnv, type BenchS3 } from './lib/s3.js';
import type { BenchSettings } from './lib/settings.js';

const NAIVE_SERVER = 'bench/servers/naive-log-server.ts';

/** Largest CPU per logged transaction of the worker, as a share of the naive server's. */
const TARGET_CPU_SHARE = 1 / 3;

/** Response p99 with S3 logging, as a multiple of the p99 with the memory store, at the same request rate. */
const TARGET_P99_FACTOR = 1.5;

/** Peak resident memory under twice the sustainable rate, as a multiple of the peak at full speed. */
const TARGET_MEMORY_FACTOR = 2;

/** Interleaved fixed-rate runs per store whose p99 values are compared by their median. */
const P99_ROUNDS = 3;

/** Pause between listings while waiting for the last log objects. */
const DRAIN_POLL_MS = 1_000;

interface Contender {
  name: string;
  /** Key prefix of its log objects in the bucket. */
  logPrefix: string;
  start(): Promise<ServerProcess>;
}

/** Figures of one contender under load. */
interface LoggedRun {
  name: string;
  load: LoadResult;
  /** Log objects that exist once the logs have been drained (or the wait timed out). */
  logged: number;
  /** Requests that got a response but have no log object, matched by X-Request-Id. */
  missing: number;
  /** Responses minus log objects when the load stopped. */
  backlogAtEnd: number;
  /** Seconds from the start of the load until the last log object was found. */
  secondsUntilLogged: number;
  cpuPerLoggedUs: number;
  peakMiB: number;
}

export async function benchTransactionLogs(settings: BenchSettings, log: (line: string) => void, s3: BenchS3): Promise<BenchmarkReport> {
  const startedAt = performance.now();
  const bucket = await createTestBucket(s3.endpoint, 'bench-logs');
  const s3Env = s3TestEnv(s3.endpoint);
  const workerArgs = (prefix: string) => ['--storage', `s3://${bucket}/${prefix}`, '--s3-endpoint', s3.endpoint];
  const loadSeconds = settings.quick ? 2 : 10;
  const drainTimeoutMs = settings.quick ? 20_000 : 90_000;

  const contenders: Contender[] = [
    {
      name: 'naive Koa + SDK PutObject',
      logPrefix: 'naive/logs/stats/',
      start: () => startScriptServer(NAIVE_SERVER, { ...s3Env, BENCH_S3_ENDPOINT: s3.endpoint, BENCH_BUCKET: bucket, BENCH_PREFIX: 'naive/' }),
    },
    { name: 'worker, SDK puts', logPrefix: 'worker-sdk/logs/stats/', start: () => startWorker(workerArgs('worker-sdk'), { ...s3Env, HOTDOG_S3_LEAN_PUT: '0' }) },
    { name: 'worker, lean puts', logPrefix: 'worker-lean/logs/stats/', start: () => startWorker(workerArgs('worker-lean'), s3Env) },
  ];

  // Part A: as fast as each server responds, then wait until every request that got a response has its log.
  const runs: LoggedRun[] = [];
  for (const contender of contenders) {
    const run = await runLogged(contender, { connections: settings.connections, loadSeconds, drainTimeoutMs }, s3.endpoint, bucket);
    runs.push(run);
    log(
      `transaction logs: ${run.name} answered ${formatNumber(run.load.responses)}, logged ${formatNumber(run.logged)}, ` +
        `missing ${run.missing}, ${formatNumber(run.cpuPerLoggedUs)} µs CPU per logged transaction`,
    );
  }
  const naive = runs[0]!;
  const sdkWorker = runs[1]!;
  const lean = runs[2]!;
  const sustainedRate = lean.logged / lean.secondsUntilLogged;

  // Part B: p99 at the same fixed rate, half the sustainable one, with and without S3 logging,
  // as the median of P99_ROUNDS interleaved runs each, because one stall of the machine moves a p99.
  const fixedRate = Math.max(100, Math.round(sustainedRate / 2));
  const startMemoryWorker = () => startWorker(['--storage', 'memory:']);
  const memoryP99s = [await fixedRateP99(startMemoryWorker, fixedRate, settings.connections, loadSeconds)];
  const s3Run = await runLogged(
    { name: 'worker, lean puts, fixed rate', logPrefix: 'worker-rate/logs/stats/', start: () => startWorker(workerArgs('worker-rate'), s3Env) },
    { connections: settings.connections, loadSeconds, drainTimeoutMs, overallRate: fixedRate },
    s3.endpoint,
    bucket,
  );
  const s3P99s = [s3Run.load.latencyP99Ms];
  for (let round = 1; round < P99_ROUNDS; round++) {
    s3P99s.push(await fixedRateP99(() => startWorker(workerArgs(`worker-rate-${round}`), s3Env), fixedRate, settings.connections, loadSeconds));
    memoryP99s.push(await fixedRateP99(startMemoryWorker, fixedRate, settings.connections, loadSeconds));
  }
  const memoryP99 = medianOf(memoryP99s);
  const s3P99 = medianOf(s3P99s);
  log(`transaction logs: at ${fixedRate} requests/s p99 is ${memoryP99s.join(', ')} ms with memory: and ${s3P99s.join(', ')} ms with S3 logs`);

  // Part C: twice the sustainable rate. Memory must stay bounded, and no request that got a response may lose its log.
  const overload = await runLogged(
    { name: 'worker, lean puts, 2x sustainable rate', logPrefix: 'worker-overload/logs/stats/', start: () => startWorker(workerArgs('worker-overload'), s3Env) },
    { connections: settings.connections, loadSeconds, drainTimeoutMs, overallRate: Math.round(2 * sustainedRate) },
    s3.endpoint,
    bucket,
  );
  log(`transaction logs: 2x load answered ${overload.load.responses}, missing ${overload.missing}, peak ${formatNumber(overload.peakMiB)} MiB`);

  const cpuShare = lean.cpuPerLoggedUs / naive.cpuPerLoggedUs;
  const p99Factor = s3P99 / Math.max(memoryP99, 1);
  const memoryFactor = overload.peakMiB / lean.peakMiB;
  const allRuns = [...runs, s3Run, overload];
  const offeredRate = (run: LoggedRun): string => {
    if (run === s3Run) return `${fixedRate}/s`;
    if (run === overload) return `${Math.round(2 * sustainedRate)}/s`;
    return 'max';
  };

  const targets: TargetCheck[] = [
    {
      target: `worker CPU per logged transaction at most ${formatRatio(TARGET_CPU_SHARE)} of the naive server's`,
      measured: `${formatRatio(cpuShare)} (${formatNumber(lean.cpuPerLoggedUs)} µs vs ${formatNumber(naive.cpuPerLoggedUs)} µs)`,
      met: cpuShare <= TARGET_CPU_SHARE,
    },
    {
      target: `response p99 with S3 logs within ${TARGET_P99_FACTOR}x of p99 with memory: at ${fixedRate} requests/s`,
      measured: `${formatRatio(p99Factor)}x (${s3P99} ms vs ${memoryP99} ms, medians of ${P99_ROUNDS} runs)`,
      met: p99Factor <= TARGET_P99_FACTOR,
    },
    {
      target: 'every answered request has its log object (all worker runs)',
      measured: `${allRuns.slice(1).reduce((sum, run) => sum + run.missing, 0)} missing`,
      met: allRuns.slice(1).every((run) => run.missing === 0),
    },
    {
      target: `peak memory at 2x the sustainable rate at most ${TARGET_MEMORY_FACTOR}x the peak at full speed`,
      measured: `${formatRatio(memoryFactor)}x (${formatNumber(overload.peakMiB)} MiB vs ${formatNumber(lean.peakMiB)} MiB)`,
      met: memoryFactor <= TARGET_MEMORY_FACTOR,
    },
  ];

  return {
    id: '2',
    title: 'Stats path with one log object per transaction',
    seconds: (performance.now() - startedAt) / 1000,
    tables: [
      {
        title: `POST /v1/stats, ${settings.connections} connections, ${loadSeconds} s of load, logs to the S3 server`,
        columns: [
          'server',
          'offered rate',
          'answered/s',
          'p99 (ms)',
          'answered',
          'logged',
          'missing',
          'backlog at end of load',
          'sustained logged/s',
          'CPU per logged (µs)',
          'CPU vs naive',
          'peak RSS (MiB)',
        ],
        rows: allRuns.map((run) => [
          run.name,
          offeredRate(run),
          formatNumber(run.load.requestsPerSecond),
          formatNumber(run.load.latencyP99Ms),
          formatNumber(run.load.responses),
          formatNumber(run.logged),
          String(run.missing),
          formatNumber(run.backlogAtEnd),
          formatNumber(run.logged / run.secondsUntilLogged),
          formatNumber(run.cpuPerLoggedUs),
          formatRatio(run.cpuPerLoggedUs / naive.cpuPerLoggedUs),
          formatNumber(run.peakMiB),
        ]),
        notes: [
          'CPU per logged transaction is the utime plus stime of the server process from the start of the load until the last log object ' +
            'was listed, divided by the log objects. Sustained logged/s divides the log objects by that same time. ' +
            `"missing" counts responses whose X-Request-Id has no log object ${drainTimeoutMs / 1000} s after the load at most.`,
          `At ${fixedRate} requests/s the p99 values of ${P99_ROUNDS} interleaved runs were ${s3P99s.join(', ')} ms with S3 logs ` +
            `and ${memoryP99s.join(', ')} ms with the memory store.`,
          `Before the lean put path, the worker with SDK puts used ${formatNumber(sdkWorker.cpuPerLoggedUs)} µs per logged transaction.`,
        ],
      },
    ],
    targets,
  };
}

interface RunOptions {
  connections: number;
  loadSeconds: number;
  drainTimeoutMs: number;
  overallRate?: number;
}

/** Seconds of load before a measured run, so that JIT compilation and lazily loaded SDK modules are not measured. */
const WARMUP_SECONDS = 1;

async function runLogged(contender: Contender, options: RunOptions, endpoint: string, bucket: string): Promise<LoggedRun> {
  const server = await contender.start();
  const listLogKeys = () => listKeys(endpoint, bucket, contender.logPrefix);
  const loadOptions = {
    url: server.url,
    method: 'POST' as const,
    path: '/v1/stats',
    body: STATS_BODY,
    headers: JSON_HEADERS,
    connections: options.connections,
    overallRate: options.overallRate,
    collectRequestIds: true,
  };
  try {
    const warmup = await runLoad({ ...loadOptions, durationSeconds: WARMUP_SECONDS });
    await waitForLogs(warmup.requestIds, listLogKeys, options.drainTimeoutMs);
    const keysBefore = (await listLogKeys()).length;

    const cpuBefore = cpuTimeMs(server.pid);
    const loadStartedAt = performance.now();
    const load = await runLoad({ ...loadOptions, durationSeconds: options.loadSeconds });
    const backlogAtEnd = Math.max(0, keysBefore + load.responses - (await listLogKeys()).length);

    const { keys, missing } = await waitForLogs(load.requestIds, listLogKeys, options.drainTimeoutMs);
    const secondsUntilLogged = (performance.now() - loadStartedAt) / 1000;
    const cpuMs = cpuTimeMs(server.pid) - cpuBefore;
    const logged = keys.length - keysBefore;

    return {
      name: contender.name,
      load,
      logged,
      missing,
      backlogAtEnd,
      secondsUntilLogged,
      cpuPerLoggedUs: (cpuMs * 1000) / Math.max(logged, 1),
      peakMiB: residentMemory(server.pid).peakMiB,
    };
  } finally {
    await server.stop();
    const stopped = findLogLine<{ logs?: unknown }>(server.output(), 'worker stopped');
    if (stopped?.logs) console.log(`  ${contender.name}: log writer counters at stop ${JSON.stringify(stopped.logs)}`);
  }
}

/** Lists the log keys until every request id has one, or the time is up. */
async function waitForLogs(
  requestIds: readonly string[],
  listLogKeys: () => Promise<string[]>,
  timeoutMs: number,
): Promise<{ keys: string[]; missing: number }> {
  const deadline = performance.now() + timeoutMs;
  let keys = await listLogKeys();
  let missing = countMissing(requestIds, keys);
  while (missing > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    keys = await listLogKeys();
    missing = countMissing(requestIds, keys);
  }
  return { keys, missing };
}

/** Measures the response p99 of a fresh server at a fixed request rate. */
async function fixedRateP99(start: () => Promise<ServerProcess>, rate: number, connections: number, seconds: number): Promise<number> {
  const server = await start();
  try {
    const load = await runLoad({
      url: server.url,
      method: 'POST',
      path: '/v1/stats',
      body: STATS_BODY,
      headers: JSON_HEADERS,
      connections,
      durationSeconds: seconds,
      overallRate: rate,
    });
    return load.latencyP99Ms;
  } finally {
    await server.stop();
  }
}

/** Counts request ids that appear in no key. Log keys end in `-<request id>.txt`. */
function countMissing(requestIds: readonly string[], keys: readonly string[]): number {
  const logged = new Set(keys.map((key) => key.slice(key.length - 40, key.length - 4)));
  return requestIds.reduce((count, id) => count + (logged.has(id) ? 0 : 1), 0);
}
