// Benchmark 6: peak resident memory of the worker. The stats-with-logs figures come from
// benchmark 2; this part measures a burst of image uploads (POST /v1/images) to the S3 server.
import { startWorker } from './lib/child.js';
import { formatNumber, mapWithLimit } from './lib/numbers.js';
import { makePng } from './lib/png.js';
import { residentMemory } from './lib/proc.js';
import type { BenchmarkReport, ResultTable } from './lib/report.js';
import { createTestBucket, s3TestEnv, type BenchS3 } from './lib/s3.js';
import type { BenchSettings } from './lib/settings.js';

/** Bytes of padding that make each generated PNG about 1 MB. */
const FILE_PADDING_BYTES = 1_000_000;
const FILES_PER_REQUEST = 5;
const CONCURRENT_REQUESTS = 4;

export async function benchUploadMemory(
  settings: BenchSettings,
  log: (line: string) => void,
  s3: BenchS3,
  earlier: readonly BenchmarkReport[],
): Promise<BenchmarkReport> {
  const startedAt = performance.now();
  const fileCount = settings.quick ? 10 : 100;
  const bucket = await createTestBucket(s3.endpoint, 'bench-upload');
  const worker = await startWorker(['--storage', `s3://${bucket}/uploads`, '--s3-endpoint', s3.endpoint], s3TestEnv(s3.endpoint));

  let stored = 0;
  let failed = 0;
  let idleMiB = 0;
  let peakMiB = 0;
  let seconds = 0;
  try {
    idleMiB = residentMemory(worker.pid).peakMiB;
    const requests = Array.from({ length: Math.ceil(fileCount / FILES_PER_REQUEST) }, (_, request) =>
      Array.from({ length: Math.min(FILES_PER_REQUEST, fileCount - request * FILES_PER_REQUEST) }, (_, file) => request * FILES_PER_REQUEST + file),
    );

    const burstStartedAt = performance.now();
    await mapWithLimit(requests, CONCURRENT_REQUESTS, async (files) => {
      const form = new FormData();
      form.set('annotator', 'bench-uploader');
      for (const file of files) {
        const bytes = makePng(`upload-${Date.now()}-${file}`, 64, 64, FILE_PADDING_BYTES);
        form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), `upload-${file}.png`);
      }
      const response = await fetch(`${worker.url}/v1/images`, { method: 'POST', body: form });
      const body = (await response.json()) as { images?: unknown[] };
      if (response.status === 201) stored += body.images?.length ?? 0;
      else failed += files.length;
    });
    seconds = (performance.now() - burstStartedAt) / 1000;
    peakMiB = residentMemory(worker.pid).peakMiB;
    log(`upload memory: ${stored} files stored in ${seconds.toFixed(1)} s, peak ${formatNumber(peakMiB)} MiB (idle ${formatNumber(idleMiB)} MiB)`);
  } finally {
    await worker.stop();
  }

  const fileMiB = (FILE_PADDING_BYTES + 200) / 1024 ** 2;
  const tables: ResultTable[] = [
    {
      title: `${fileCount} PNG files of about 1 MB, ${FILES_PER_REQUEST} per POST /v1/images, ${CONCURRENT_REQUESTS} requests at a time, one worker on the S3 server`,
      columns: ['files stored', 'failed', 'seconds', 'MiB/s', 'peak RSS before (MiB)', 'peak RSS after (MiB)', 'growth (MiB)', 'growth per MiB in flight'],
      rows: [
        [
          String(stored),
          String(failed),
          seconds.toFixed(1),
          formatNumber((stored * fileMiB) / seconds, 1),
          formatNumber(idleMiB),
          formatNumber(peakMiB),
          formatNumber(peakMiB - idleMiB),
          formatNumber((peakMiB - idleMiB) / (Math.min(fileCount, CONCURRENT_REQUESTS * FILES_PER_REQUEST) * fileMiB), 1),
        ],
      ],
      notes: [
        'Peak RSS is VmHWM from /proc/<pid>/status. "MiB in flight" is the files of the concurrent requests, ' +
          'which the worker holds in memory until every file of a request is checked.',
      ],
    },
  ];

  const logs = earlier.find((report) => report.id === '2');
  if (logs) {
    const table = logs.tables[0]!;
    const peakColumn = table.columns.indexOf('peak RSS (MiB)');
    tables.push({
      title: 'Peak resident memory during benchmark 2 (stats with a log object per transaction)',
      columns: ['run', 'peak RSS (MiB)'],
      rows: table.rows.map((row) => [row[0]!, row[peakColumn]!]),
    });
  }

  return {
    id: '6',
    title: 'Worker memory',
    seconds: (performance.now() - startedAt) / 1000,
    tables,
    targets: [
      {
        target: 'upload burst: every file stored',
        measured: `${stored} of ${fileCount}`,
        met: stored === fileCount && failed === 0,
      },
    ],
  };
}
