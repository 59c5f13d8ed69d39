import { ensureWeed } from '../../test-support/ensure-weed.mjs';
import { ListObjectsV2Command } from '../../test-support/aws-sdk.js';
import { startSeaweedServer } from '../../test-support/seaweed-server.js';
import { createTestBucket, makeTestS3Client, s3TestEnv } from '../../test-support/s3-test-utils.js';

export { createTestBucket, makeTestS3Client, s3TestEnv };

/** The S3 server of one benchmark run. */
export interface BenchS3 {
  endpoint: string;
  /** Server name for the report. */
  description: string;
  stop(): Promise<void>;
}

/** Most listing pages read by `listKeys`: 1,000 keys each, so up to 500,000 keys. */
const MAX_LIST_PAGES = 500;

/**
 * Uses the server named by `S3_TEST_ENDPOINT`, or starts SeaweedFS on 127.0.0.1 the way the test
 * setup does (installing it into `.venv-s3` on first use).
 */
export async function startS3(log: (line: string) => void): Promise<BenchS3> {
  const configured = process.env.S3_TEST_ENDPOINT;
  if (configured) {
    log(`bench: using S3_TEST_ENDPOINT=${configured}`);
    return { endpoint: configured, description: `S3 server at S3_TEST_ENDPOINT`, stop: async () => {} };
  }

  const server = await startSeaweedServer(ensureWeed(log));
  log(`bench: SeaweedFS (PID ${server.pid}) serves S3 at ${server.endpoint}`);
  return { endpoint: server.endpoint, description: 'SeaweedFS 4.48 on 127.0.0.1', stop: () => server.stop() };
}

/** Lists every key under `prefix` in a bucket. */
export async function listKeys(endpoint: string, bucket: string, prefix: string): Promise<string[]> {
  const client = makeTestS3Client(endpoint);
  const keys: string[] = [];
  try {
    let token: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const response = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const entry of response.Contents ?? []) if (entry.Key) keys.push(entry.Key);
      if (!response.IsTruncated || !response.NextContinuationToken) return keys;
      token = response.NextContinuationToken;
    }
    throw new Error(`listing s3://${bucket}/${prefix} has more than ${MAX_LIST_PAGES} pages`);
  } finally {
    client.destroy();
  }
}
