import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, PutObjectCommand } from './aws-sdk.js';
import { makeTestS3Client } from './s3-test-utils.js';

/** A SeaweedFS server started for one test run. */
export interface SeaweedServer {
  /** S3 endpoint URL, such as `http://127.0.0.1:40123`. */
  endpoint: string;
  pid: number;
  /** Folder with the server's data and its log file `weed.log`; `stop` removes it. */
  dataDir: string;
  stop(): Promise<void>;
}

/** Upper bound for the server to start and store an object; on a 2-core machine it took about 3.5 s. */
export const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Time that the server gets to exit after SIGTERM before SIGKILL. SeaweedFS 4.48 was still
 * running 5 s after SIGTERM in local tries, and its data is thrown away, so the wait is short.
 */
const STOP_GRACE_MS = 1_000;

/** Pause between readiness probes. */
const PROBE_INTERVAL_MS = 200;

/** Another process may take a free port between our check and the server's bind; then start again on new ports. */
const MAX_START_ATTEMPTS = 3;

/** Lines of `weed.log` shown when the server fails to start. */
const LOG_TAIL_LINES = 40;

/**
 * Volumes the volume server may create. SeaweedFS 4.48 creates 7 volumes for each bucket that
 * receives an object, so its default of 8 allows one bucket, and 200 allow 28 at once. Volumes
 * are not preallocated, so a high count costs little disk.
 */
const MAX_VOLUMES = 200;

/** Size at which the master stops writing to a volume. Test objects are small, so volumes need not grow to the default 30 GB. */
const VOLUME_SIZE_LIMIT_MB = 64;

/**
 * Starts `weed server` with master, volume, filer and S3 gateway on 127.0.0.1, on free ports and
 * in a new temp folder, and waits until the S3 endpoint stores an object.
 *
 * @throws Error with the tail of the server log when it does not become ready within `STARTUP_TIMEOUT_MS`.
 */
export async function startSeaweedServer(weedPath: string): Promise<SeaweedServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(weedPath);
    } catch (error) {
      const portTaken = error instanceof Error && error.message.includes('address already in use');
      if (!portTaken || attempt >= MAX_START_ATTEMPTS) throw error;
      console.log(`s3 tests: a SeaweedFS port was taken by another process, starting again (attempt ${attempt + 1})`);
    }
  }
}

async function startOnce(weedPath: string): Promise<SeaweedServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hotdog-seaweed-'));
  const logPath = join(dataDir, 'weed.log');
  const ports = await findFreePorts(8);
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = ports as [
    number, number, number, number, number, number, number, number,
  ];

  const args = [
    'server',
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-dir=${dataDir}`,
    // Every gRPC port is set explicitly; by default each would be its HTTP port + 10000,
    // which nothing here checks for being free.
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    `-volume.max=${MAX_VOLUMES}`,
    '-volume.preStopSeconds=0',
    `-master.volumeSizeLimitMB=${VOLUME_SIZE_LIMIT_MB}`,
    // Telemetry would send usage statistics to a public host.
    '-master.telemetry=false',
    '-filer',
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    `-filer.localSocket=${join(dataDir, 'filer.sock')}`,
    '-s3',
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
    `-s3.localSocket=${join(dataDir, 's3.sock')}`,
    // The Iceberg catalog (8181) and Lance namespace (9101) listen on fixed ports by default,
    // which would make two test runs on one machine collide.
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
  ];

  const logFd = openSync(logPath, 'a');
  const child = spawn(weedPath, args, { cwd: dataDir, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) {
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`could not start ${weedPath}; check that it is an executable SeaweedFS binary`);
  }

  // If the test runner exits without running teardown (Ctrl-C, crash), do not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${s3}`;
  // SeaweedFS 4.48 also makes a gRPC socket per service at a fixed path in /tmp, named after
  // the port, and leaves it there on exit (TMPDIR does not move it).
  const grpcSockets = [
    `seaweedfs-master-grpc-${masterGrpc}.sock`,
    `seaweedfs-volume-grpc-${volumeGrpc}.sock`,
    `seaweedfs-filer-grpc-${filerGrpc}.sock`,
    `seaweedfs-s3-grpc-${s3Grpc}.sock`,
  ].map((name) => join('/tmp', name));
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await stopProcess(child);
    await rm(dataDir, { recursive: true, force: true });
    await Promise.all(grpcSockets.map((socket) => rm(socket, { force: true })));
  };

  try {
    await waitUntilReady(endpoint, child);
  } catch (error) {
    const message =
      `SeaweedFS did not become ready at ${endpoint}: ${error instanceof Error ? error.message : String(error)}\n` +
      `last lines of the weed log:\n${tailOfFile(logPath, LOG_TAIL_LINES)}`;
    await stop();
    throw new Error(message, { cause: error });
  }
  return { endpoint, pid, dataDir, stop };
}

/**
 * Waits until the S3 gateway creates a bucket and stores an object in it, which needs the
 * master, a volume and the filer as well. Fails early when the process exits.
 */
async function waitUntilReady(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const client = makeTestS3Client(endpoint);
  const bucket = `startup-check-${Date.now().toString(36)}`;
  let lastError: unknown;

  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`weed exited with ${child.exitCode ?? child.signalCode} during startup`);
      }
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
          // A retry after a partly failed attempt finds the bucket already there.
          if ((error as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw error;
        });
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'probe', Body: 'ok' }));
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'probe' }));
        await client.send(new DeleteBucketCommand({ Bucket: bucket }));
        return;
      } catch (error) {
        lastError = error;
      }
      await sleep(PROBE_INTERVAL_MS);
    }
    const detail = lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError);
    throw new Error(`timed out after ${STARTUP_TIMEOUT_MS} ms; last S3 error: ${detail}`);
  } finally {
    client.destroy();
  }
}

/** Sends SIGTERM, then SIGKILL after `STOP_GRACE_MS`, and waits for the exit. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (graceful) return;

  child.kill('SIGKILL');
  // SIGKILL cannot be caught, so the exit follows at once; the bound only guards a zombie.
  await Promise.race([exited, sleep(STOP_GRACE_MS)]);
}

/**
 * Reserves `count` distinct free TCP ports on 127.0.0.1 by binding to port 0, then releases them.
 * Another process could take one before weed binds it, which `startSeaweedServer` retries.
 */
async function findFreePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function tailOfFile(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(could not read the log: ${error instanceof Error ? error.message : String(error)})`;
  }
}
