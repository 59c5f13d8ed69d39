// The type-only import of 'vitest' lets TypeScript find the module augmented below.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';

import { ensureWeed } from './ensure-weed.mjs';
import { startSeaweedServer, type SeaweedServer } from './seaweed-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of an S3-compatible server for tests; use `makeTestS3Client` and `createTestBucket` with it. */
    s3Endpoint: string;
  }
}

/**
 * The server shared by all projects of one vitest run. Vitest runs this global setup once for
 * the root project and once per test project, each in its own module instance, so the state
 * lives on `globalThis` and the last teardown stops the server.
 */
interface SharedServer {
  users: number;
  server: Promise<SeaweedServer | undefined>;
}

const SHARED_KEY = Symbol.for('hotdog-lab.s3-test-server');
type GlobalWithServer = typeof globalThis & { [SHARED_KEY]?: SharedServer };

/**
 * Provides `s3Endpoint` to every test. With `S3_TEST_ENDPOINT` set that server is used as is;
 * otherwise a SeaweedFS server is started on 127.0.0.1 and stopped after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const global = globalThis as GlobalWithServer;
  const shared = (global[SHARED_KEY] ??= { users: 0, server: startUnlessConfigured() });
  shared.users += 1;

  let server: SeaweedServer | undefined;
  try {
    server = await shared.server;
  } catch (error) {
    shared.users -= 1;
    throw error;
  }
  project.provide('s3Endpoint', server?.endpoint ?? (process.env.S3_TEST_ENDPOINT as string));

  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete global[SHARED_KEY];
    await server?.stop();
  };
}

async function startUnlessConfigured(): Promise<SeaweedServer | undefined> {
  if (process.env.S3_TEST_ENDPOINT) {
    console.log(`s3 tests: using S3_TEST_ENDPOINT=${process.env.S3_TEST_ENDPOINT}`);
    return undefined;
  }

  const weedPath = ensureWeed((line: string) => console.log(line));
  const startedAt = Date.now();
  const server = await startSeaweedServer(weedPath);
  console.log(
    `s3 tests: SeaweedFS (PID ${server.pid}) serves S3 at ${server.endpoint}, started in ${Date.now() - startedAt} ms, data in ${server.dataDir}`,
  );
  return server;
}
