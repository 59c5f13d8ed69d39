import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseCommandLine } from '../src/config.js';

describe('parseCommandLine', () => {
  it('uses the defaults with no options', () => {
    expect(parseCommandLine([], {}, '1.0.0')).toEqual({
      kind: 'run',
      config: {
        ...DEFAULT_CONFIG,
        spoolDir: resolve('data', 'spool~'),
        s3RequestTimeoutMs: 10_000,
        s3MaxAttempts: 4,
        corsOrigins: [],
        rateLimitPerMinute: 120,
        trustProxy: false,
      },
    });
  });

  it('reads every option', () => {
    const parsed = parseCommandLine(
      ['--host', '0.0.0.0', '--port', '8080', '--storage', 's3://bucket/pre', '--s3-endpoint', 'http://127.0.0.1:8333', '--max-numbers', '20', '--shutdown-timeout', '3', '--log-level', 'warn', '--seed-demo', '--max-upload-mib', '5', '--catalog-refresh', '7'],
      {},
      '1.0.0',
    );

    expect(parsed).toEqual({
      kind: 'run',
      config: {
        host: '0.0.0.0',
        port: 8080,
        storage: 's3://bucket/pre',
        s3Endpoint: 'http://127.0.0.1:8333',
        maxNumbers: 20,
        shutdownTimeoutMs: 3000,
        logLevel: 'warn',
        seedDemo: true,
        goldDemo: false,
        maxUploadBytes: 5 * 1024 * 1024,
        catalogRefreshMs: 7000,
        spoolDir: join(homedir(), '.local', 'state', 'hotdog-worker', 'spool'),
        s3RequestTimeoutMs: 10_000,
        s3MaxAttempts: 4,
        corsOrigins: [],
        rateLimitPerMinute: 120,
        trustProxy: false,
      },
    });
  });

  it('reads environment variables', () => {
    const parsed = parseCommandLine([], { HOTDOG_PORT: '4000', HOTDOG_STORAGE: 'memory:', S3_ENDPOINT: 'http://127.0.0.1:1' }, '1.0.0');

    expect(parsed.kind === 'run' && parsed.config.port).toBe(4000);
    expect(parsed.kind === 'run' && parsed.config.storage).toBe('memory:');
    expect(parsed.kind === 'run' && parsed.config.s3Endpoint).toBe('http://127.0.0.1:1');
  });

  it('lets options override environment variables', () => {
    const parsed = parseCommandLine(['--port', '5000'], { HOTDOG_PORT: '4000' }, '1.0.0');

    expect(parsed.kind === 'run' && parsed.config.port).toBe(5000);
  });

  it('prints help with every option', () => {
    const parsed = parseCommandLine(['--help'], {}, '1.0.0');

    expect(parsed.kind).toBe('exit');
    for (const option of ['--host', '--port', '--storage', '--s3-endpoint', '--max-numbers', '--shutdown-timeout', '--log-level', '--seed-demo', '--max-upload-mib', '--catalog-refresh']) {
      expect(parsed.kind === 'exit' && parsed.output).toContain(option);
    }
  });

  it('prints the version', () => {
    expect(parseCommandLine(['--version'], {}, '1.2.3')).toEqual({ kind: 'exit', code: 0, output: '1.2.3\n', toStderr: false });
  });

  it.each([
    [['--port', '70000'], 'invalid --port "70000"'],
    [['--port=-1'], 'invalid --port "-1"'],
    [['--port', '80a'], 'invalid --port "80a"'],
    [['--max-numbers', '0'], 'invalid --max-numbers "0"'],
    [['--max-numbers', '1.5'], 'invalid --max-numbers "1.5"'],
    [['--max-numbers', '901'], 'invalid --max-numbers "901"'],
    [['--log-level', 'loud'], 'invalid --log-level "loud"'],
    [['--max-upload-mib', '0'], 'invalid --max-upload-mib "0"'],
    [['--catalog-refresh', '0'], 'invalid --catalog-refresh "0"'],
    [['--s3-endpoint', 'not a url'], 'invalid --s3-endpoint "not a url"'],
    [['--s3-endpoint', 'ftp://127.0.0.1'], 'the scheme must be http or https'],
    [['--colour'], "Unknown option '--colour'"],
    [['extra'], 'extra'],
  ])('rejects %j', (argv, message) => {
    const parsed = parseCommandLine(argv, {}, '1.0.0');

    expect(parsed.kind).toBe('exit');
    expect(parsed.kind === 'exit' && parsed.code).toBe(2);
    expect(parsed.kind === 'exit' && parsed.output).toContain(message);
  });
});

describe('parseCommandLine --gold-demo', () => {
  it.each([
    { case: 'the option', argv: ['--gold-demo'], env: {}, expected: true },
    { case: 'HOTDOG_GOLD_DEMO=1', argv: [], env: { HOTDOG_GOLD_DEMO: '1' }, expected: true },
    { case: 'HOTDOG_GOLD_DEMO=true', argv: [], env: { HOTDOG_GOLD_DEMO: 'true' }, expected: true },
    { case: 'HOTDOG_GOLD_DEMO=0', argv: [], env: { HOTDOG_GOLD_DEMO: '0' }, expected: false },
    { case: 'neither', argv: [], env: {}, expected: false },
  ])('$case gives goldDemo $expected', ({ argv, env, expected }) => {
    const parsed = parseCommandLine(argv, env, '1.0.0');

    expect(parsed.kind === 'run' && parsed.config.goldDemo).toBe(expected);
  });

  it('help documents --gold-demo', () => {
    const parsed = parseCommandLine(['--help'], {}, '1.0.0');

    expect(parsed.kind === 'exit' && parsed.output).toContain('--gold-demo');
    expect(parsed.kind === 'exit' && parsed.output).toContain('HOTDOG_GOLD_DEMO=1');
  });
});

describe('parseCommandLine operations options', () => {
  const token = 'a'.repeat(32);

  it.each([
    { case: '--spool-dir', argv: ['--spool-dir', '/var/spool/x'], env: {}, field: 'spoolDir', expected: '/var/spool/x' },
    { case: '--spool-dir none', argv: ['--spool-dir', 'none'], env: {}, field: 'spoolDir', expected: undefined },
    { case: 'memory: storage', argv: ['--storage', 'memory:'], env: {}, field: 'spoolDir', expected: undefined },
    { case: 'fs: storage', argv: ['--storage', 'fs:/srv/data'], env: {}, field: 'spoolDir', expected: '/srv/data/spool~' },
    { case: 's3 under systemd', argv: ['--storage', 's3://b'], env: { STATE_DIRECTORY: '/var/lib/hotdog' }, field: 'spoolDir', expected: '/var/lib/hotdog/spool' },
    { case: 's3 with XDG_STATE_HOME', argv: ['--storage', 's3://b'], env: { XDG_STATE_HOME: '/x' }, field: 'spoolDir', expected: '/x/hotdog-worker/spool' },
    { case: 'HOTDOG_SPOOL_DIR', argv: [], env: { HOTDOG_SPOOL_DIR: '/y' }, field: 'spoolDir', expected: '/y' },
    { case: '--s3-request-timeout', argv: ['--s3-request-timeout', '3'], env: {}, field: 's3RequestTimeoutMs', expected: 3000 },
    { case: '--s3-max-attempts', argv: ['--s3-max-attempts', '6'], env: {}, field: 's3MaxAttempts', expected: 6 },
    { case: 'repeated --cors-origin', argv: ['--cors-origin', 'https://a.example', '--cors-origin', 'http://b.example:8080'], env: {}, field: 'corsOrigins', expected: ['https://a.example', 'http://b.example:8080'] },
    { case: 'comma list --cors-origin', argv: ['--cors-origin', 'https://a.example, https://c.example'], env: {}, field: 'corsOrigins', expected: ['https://a.example', 'https://c.example'] },
    { case: 'HOTDOG_CORS_ORIGIN', argv: [], env: { HOTDOG_CORS_ORIGIN: 'https://a.example' }, field: 'corsOrigins', expected: ['https://a.example'] },
    { case: '--rate-limit-per-minute 0', argv: ['--rate-limit-per-minute', '0'], env: {}, field: 'rateLimitPerMinute', expected: 0 },
    { case: '--api-token', argv: ['--api-token', token], env: {}, field: 'apiToken', expected: token },
    { case: 'HOTDOG_API_TOKEN', argv: [], env: { HOTDOG_API_TOKEN: token }, field: 'apiToken', expected: token },
    { case: '--trust-proxy', argv: ['--trust-proxy'], env: {}, field: 'trustProxy', expected: true },
    { case: 'HOTDOG_TRUST_PROXY=1', argv: [], env: { HOTDOG_TRUST_PROXY: '1' }, field: 'trustProxy', expected: true },
  ])('$case sets $field', ({ argv, env, field, expected }) => {
    const parsed = parseCommandLine(argv, env, '1.0.0');

    expect(parsed.kind).toBe('run');
    expect(parsed.kind === 'run' && (parsed.config as unknown as Record<string, unknown>)[field]).toEqual(expected);
  });

  it.each([
    { case: 'a CORS origin with a path', argv: ['--cors-origin', 'https://a.example/app'], message: 'invalid --cors-origin' },
    { case: 'a CORS origin with a trailing slash', argv: ['--cors-origin', 'https://a.example/'], message: 'invalid --cors-origin' },
    { case: 'a CORS wildcard', argv: ['--cors-origin', '*'], message: 'invalid --cors-origin' },
    { case: 'a short API token', argv: ['--api-token', 'short'], message: 'at least 16 characters' },
    { case: 'a rate limit that is no number', argv: ['--rate-limit-per-minute', 'many'], message: 'invalid --rate-limit-per-minute' },
    { case: 'zero S3 attempts', argv: ['--s3-max-attempts', '0'], message: 'invalid --s3-max-attempts' },
  ])('rejects $case', ({ argv, message }) => {
    const parsed = parseCommandLine(argv, {}, '1.0.0');

    expect(parsed.kind === 'exit' && parsed.code).toBe(2);
    expect(parsed.kind === 'exit' && parsed.output).toContain(message);
  });

  it('keeps the API token out of its own error message', () => {
    const parsed = parseCommandLine(['--api-token', 'secret value!'], {}, '1.0.0');

    expect(parsed.kind === 'exit' && parsed.output).not.toContain('secret');
  });
});
