import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStore } from '@hotdog-lab/label-store';
import { pino } from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { createTestBucket, deleteTestBucket, makeTestS3Client } from '../../../test-support/s3-test-utils.js';
import { DEFAULT_CONFIG, parseCommandLine } from '../src/config.js';
import { startWorker } from '../src/worker.js';

const deployFile = (name: string) => fileURLToPath(new URL(`../../../deploy/${name}`, import.meta.url));

/** The IAM action that allows each S3 API call. HeadObject needs s3:GetObject. */
const IAM_ACTION_OF_COMMAND: Record<string, string> = {
  GetObjectCommand: 's3:GetObject',
  HeadObjectCommand: 's3:GetObject',
  PutObjectCommand: 's3:PutObject',
  ListObjectsV2Command: 's3:ListBucket',
  DeleteObjectCommand: 's3:DeleteObject',
};

interface PolicyStatement {
  Effect: string;
  Action: string[];
  Resource: string;
  Condition?: { StringLike?: { 's3:prefix'?: string[] } };
}

describe('deploy files', () => {
  const policy = JSON.parse(readFileSync(deployFile('iam-policy.json'), 'utf8')) as { Version: string; Statement: PolicyStatement[] };

  it('IAM policy scopes objects and listings to the prefix', () => {
    expect(policy.Version).toBe('2012-10-17');
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe('Allow');
      if (statement.Action.includes('s3:ListBucket')) {
        expect(statement.Resource).toMatch(/^arn:aws:s3:::[a-z0-9.-]+$/);
        expect(statement.Condition?.StringLike?.['s3:prefix']).toEqual(['hotdog/*']);
      } else {
        expect(statement.Resource).toMatch(/^arn:aws:s3:::[a-z0-9.-]+\/hotdog\/\*$/);
      }
    }
  });

  it('IAM policy allows exactly the S3 calls the worker makes', async () => {
    const endpoint = inject('s3Endpoint');
    const bucket = await createTestBucket(endpoint, 'iam');
    const client = makeTestS3Client(endpoint);
    const commands = new Set<string>();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.add(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'recordCommandNames' },
    );
    // A passed-in client also carries every put, so no call escapes the recording.
    const store = openStore(`s3://${bucket}/hotdog`, { s3Client: client });
    const worker = await startWorker({ ...DEFAULT_CONFIG, port: 0, seedDemo: true }, { store, logger: pino({ level: 'silent' }) });

    try {
      const sample = (await (await fetch(`${worker.url}/v1/images/sample?annotator=iam&count=1`)).json()) as { images: { id: string }[] };
      const id = sample.images[0]!.id;
      await (await fetch(`${worker.url}/v1/images/${id}`)).arrayBuffer();
      await fetch(`${worker.url}/v1/labels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ annotator: 'iam', answers: [{ image: id, label: 1, answerId: crypto.randomUUID() }] }),
      });
      await (await fetch(`${worker.url}/v1/labels.csv`)).text();
      await (await fetch(`${worker.url}/v1/labels/summary`)).text();
      await fetch(`${worker.url}/v1/stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"numbers":[1]}' });
      await (await fetch(`${worker.url}/readyz`)).text();
      expect(await worker.transactionLog.drain(10_000)).toBe(true);
    } finally {
      await worker.close(5_000);
      client.destroy();
      await deleteTestBucket(endpoint, bucket);
    }

    const needed = new Set([...commands].map((command) => IAM_ACTION_OF_COMMAND[command] ?? `unmapped ${command}`));
    const allowed = new Set(policy.Statement.flatMap((statement) => statement.Action));
    expect([...needed].sort()).toEqual([...allowed].sort());
  });

  it('systemd unit passes systemd-analyze verify', (context) => {
    if (spawnSync('systemd-analyze', ['--version']).status !== 0) {
      context.skip();
    }
    const output = execFileSync('systemd-analyze', ['verify', deployFile('hotdog-worker.service')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

    expect(output).toBe('');
  });

  it('environment file example is accepted by the worker', () => {
    const env = Object.fromEntries(
      readFileSync(deployFile('hotdog-worker.env.example'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );

    const parsed = parseCommandLine([], { ...env, STATE_DIRECTORY: '/var/lib/hotdog-worker' }, '1.0.0');

    expect(parsed.kind).toBe('run');
    expect(parsed.kind === 'run' && parsed.config).toMatchObject({ host: '0.0.0.0', storage: 's3://example-hotdog-bucket/hotdog', trustProxy: true, spoolDir: '/var/lib/hotdog-worker/spool' });
  });
});
