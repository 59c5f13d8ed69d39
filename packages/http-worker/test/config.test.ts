import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseCommandLine } from '../src/config.js';

describe('parseCommandLine', () => {
  it('uses the defaults with no options', () => {
    expect(parseCommandLine([], {}, '1.0.0')).toEqual({ kind: 'run', config: DEFAULT_CONFIG });
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
        maxUploadBytes: 5 * 1024 * 1024,
        catalogRefreshMs: 7000,
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
