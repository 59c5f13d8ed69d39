import { parseNumbers, StatsInputError } from '@hotdog-lab/stats-core';
import prompts from 'prompts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { runCli } from '../src/index.js';
import { findClosedPortUrl, sendJson, startFakeWorker } from './_fake-worker.js';
import type { FakeWorker } from './_fake-worker.js';
import { createTestIo } from './_streams.js';

// These are unit tests of the client: the worker is a fake node:http server started here.

/** Returns the stats-core message for an invalid input, so tests do not copy its wording. */
function inputErrorFor(text: string): StatsInputError {
  try {
    parseNumbers(text);
  } catch (error) {
    if (error instanceof StatsInputError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected "${text}" to be invalid`);
}

const TABLE_FOR_4_8_15_16_23_42 = ['count      6', 'min        4', 'max       42', 'mean      18', 'median  15.5', ''].join('\n');

let worker: FakeWorker;

beforeAll(async () => {
  worker = await startFakeWorker();
});

afterEach(() => {
  worker.reset();
  // prompts keeps injected answers in module state; drop any that a failed test left behind.
  (prompts as unknown as { _injected?: unknown[] })._injected = [];
});

afterAll(async () => {
  await worker.close();
});

describe('hotdog stats with numbers as arguments (unit, fake worker)', () => {
  it('prints the summary table and exits 0', async () => {
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url, '4', '8', '15', '16', '23', '42'], io);

    expect(code).toBe(0);
    expect(io.stdout.text).toBe(TABLE_FOR_4_8_15_16_23_42);
    expect(io.stderr.text).toBe('');
  });

  it('posts the numbers as JSON to /v1/stats', async () => {
    const io = createTestIo();

    await runCli(['stats', '--worker', worker.url, '4,8', '15'], io);

    expect(worker.requests).toHaveLength(1);
    expect(worker.requests[0]?.method).toBe('POST');
    expect(worker.requests[0]?.url).toBe('/v1/stats');
    expect(worker.requests[0]?.contentType).toBe('application/json');
    expect(JSON.parse(worker.requests[0]?.body ?? '')).toEqual({ numbers: [4, 8, 15] });
  });

  it('prints the worker body with --json', async () => {
    const io = createTestIo();

    const code = await runCli(['stats', '--json', '--worker', worker.url, '10', '9', '8', '100'], io);

    expect(code).toBe(0);
    expect(JSON.parse(io.stdout.text)).toEqual({ count: 4, min: 8, max: 100, mean: 31.75, median: 9.5 });
    expect(io.stdout.text.endsWith('\n')).toBe(true);
  });

  it('reads the worker URL from HOTDOG_WORKER_URL', async () => {
    const io = createTestIo({ env: { HOTDOG_WORKER_URL: worker.url } });

    const code = await runCli(['stats', '3'], io);

    expect(code).toBe(0);
    expect(worker.requests).toHaveLength(1);
  });

  it('prefers --worker over HOTDOG_WORKER_URL', async () => {
    const closedUrl = await findClosedPortUrl();
    const io = createTestIo({ env: { HOTDOG_WORKER_URL: closedUrl } });

    const code = await runCli(['stats', '--worker', worker.url, '3'], io);

    expect(code).toBe(0);
    expect(worker.requests).toHaveLength(1);
  });

  it('accepts more numbers with --max-numbers', async () => {
    const io = createTestIo();
    const twelve = Array.from({ length: 12 }, (_, index) => String(index + 1));

    const code = await runCli(['stats', '--max-numbers', '12', '--worker', worker.url, ...twelve], io);

    expect(code).toBe(0);
    expect(worker.requests).toHaveLength(1);
  });

  it('treats arguments after -- as numbers', async () => {
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url, '--', '5', '7'], io);

    expect(code).toBe(0);
    expect(JSON.parse(worker.requests[0]?.body ?? '')).toEqual({ numbers: [5, 7] });
  });

  it.each([
    { case: 'zero', numbers: ['0', '1'], code: 'NOT_POSITIVE' },
    { case: 'negative number', numbers: ['-5'], code: 'INVALID_ENTRY' },
    { case: 'fraction', numbers: ['4.5'], code: 'INVALID_ENTRY' },
    { case: 'word', numbers: ['abc'], code: 'INVALID_ENTRY' },
    { case: 'empty entry', numbers: ['1,,2'], code: 'INVALID_ENTRY' },
    { case: 'unsafe integer', numbers: ['9007199254740993'], code: 'UNSAFE_INTEGER' },
    { case: 'eleven numbers', numbers: '1 2 3 4 5 6 7 8 9 10 11'.split(' '), code: 'TOO_MANY_NUMBERS' },
    { case: 'only a comma', numbers: [','], code: 'INVALID_ENTRY' },
    { case: 'only whitespace', numbers: ['  '], code: 'EMPTY_LIST' },
  ])('rejects $case with exit 2 and sends nothing', async ({ numbers, code: errorCode }) => {
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url, ...numbers], io);

    expect(code).toBe(2);
    expect(io.stderr.text).toContain(`invalid numbers (${errorCode})`);
    expect(io.stderr.text).toContain(inputErrorFor(numbers.join(' ')).message);
    expect(io.stdout.text).toBe('');
    expect(worker.requests).toHaveLength(0);
  });

  it('checks the count against --max-numbers', async () => {
    const io = createTestIo();

    const code = await runCli(['stats', '--max-numbers', '2', '--worker', worker.url, '1', '2', '3'], io);

    expect(code).toBe(2);
    expect(io.stderr.text).toContain('TOO_MANY_NUMBERS');
    expect(worker.requests).toHaveLength(0);
  });
});

describe('hotdog stats worker failures (unit, fake worker)', () => {
  it('prints the worker error code and message and exits 1', async () => {
    worker.handle((_request, response) => {
      sendJson(
        response,
        400,
        { error: { code: 'TOO_MANY_NUMBERS', message: 'The list contains 3 numbers, but at most 2 are allowed.', details: {} } },
        'req-42',
      );
    });
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url, '1', '2', '3'], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain('HTTP 400 TOO_MANY_NUMBERS');
    expect(io.stderr.text).toContain('The list contains 3 numbers, but at most 2 are allowed.');
    expect(io.stderr.text).toContain('request id req-42');
    expect(io.stdout.text).toBe('');
  });

  it('prints the status of a non-JSON response', async () => {
    worker.handle((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>Bad Gateway</html>');
    });
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url, '1'], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain('HTTP 502');
    expect(io.stderr.text).toContain('non-JSON body');
  });

  it('rejects a 200 response without a summary', async () => {
    worker.handle((_request, response) => sendJson(response, 200, { count: 1 }));
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url, '1'], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain('without a stats summary');
  });

  it('prints the URL and ECONNREFUSED for an unreachable worker', async () => {
    const closedUrl = await findClosedPortUrl();
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', closedUrl, '1', '2'], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain(`${closedUrl}/v1/stats`);
    expect(io.stderr.text).toContain('ECONNREFUSED');
    expect(io.stderr.text.trim().split('\n')).toHaveLength(1);
  });

  it('stops waiting after --timeout seconds', async () => {
    worker.handle((_request, response) => {
      setTimeout(() => sendJson(response, 200, {}), 5_000).unref();
    });
    const io = createTestIo();

    const code = await runCli(['stats', '--timeout', '0.2', '--worker', worker.url, '1'], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain('timed out after 0.2 s');
  });
});

describe('hotdog stats interactive rounds (unit, injected answers)', () => {
  it('runs rounds until the user declines another', async () => {
    prompts.inject(['4 8 15 16 23 42', true, '10 9 8 100', false]);
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url], io);

    expect(code).toBe(0);
    expect(worker.requests.map((request) => JSON.parse(request.body))).toEqual([
      { numbers: [4, 8, 15, 16, 23, 42] },
      { numbers: [10, 9, 8, 100] },
    ]);
    expect(io.stdout.text).toContain(TABLE_FOR_4_8_15_16_23_42);
    expect(io.stdout.text).toContain('median    9.5');
  });

  it.each([[''], ['q'], [' Q '], ['quit']])('quits on numbers answer %j', async (answer) => {
    prompts.inject([answer]);
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url], io);

    expect(code).toBe(0);
    expect(worker.requests).toHaveLength(0);
  });

  it('quits on an empty answer after a round', async () => {
    prompts.inject(['5', true, '']);
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url], io);

    expect(code).toBe(0);
    expect(worker.requests).toHaveLength(1);
  });

  it('asks again after an invalid answer', async () => {
    prompts.inject(['0 1', '4, 8 15', false]);
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url], io);

    expect(code).toBe(0);
    expect(io.stderr.text).toContain(inputErrorFor('0 1').message);
    expect(worker.requests).toHaveLength(1);
    expect(JSON.parse(worker.requests[0]?.body ?? '')).toEqual({ numbers: [4, 8, 15] });
  });

  it('applies --max-numbers to answers', async () => {
    prompts.inject(['1 2 3', '1 2', false]);
    const io = createTestIo();

    const code = await runCli(['stats', '--max-numbers', '2', '--worker', worker.url], io);

    expect(code).toBe(0);
    expect(io.stderr.text).toContain('TOO_MANY_NUMBERS');
    expect(worker.requests).toHaveLength(1);
  });

  it('exits 130 and sends nothing on cancel', async () => {
    prompts.inject([new Error('Ctrl-C')]);
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url], io);

    expect(code).toBe(130);
    expect(io.stderr.text).toContain('cancelled');
    expect(worker.requests).toHaveLength(0);
  });

  it('exits 130 on cancel at the another-round prompt', async () => {
    prompts.inject(['7', new Error('Ctrl-C')]);
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url], io);

    expect(code).toBe(130);
    expect(worker.requests).toHaveLength(1);
  });

  it('prints JSON per round with --json', async () => {
    prompts.inject(['2 4', false]);
    const io = createTestIo();

    const code = await runCli(['stats', '--json', '--worker', worker.url], io);

    expect(code).toBe(0);
    const jsonLine = io.stdout.text.split('\n').find((line) => line.startsWith('{'));
    expect(JSON.parse(jsonLine ?? '')).toEqual({ count: 2, min: 2, max: 4, mean: 3, median: 3 });
  });

  it('ends the session with exit 1 on a worker error', async () => {
    worker.handle((_request, response) => {
      sendJson(response, 400, { error: { code: 'NOT_POSITIVE', message: 'Element 0 is 0.', details: {} } });
    });
    prompts.inject(['3', true, '4', false]);
    const io = createTestIo();

    const code = await runCli(['stats', '--worker', worker.url], io);

    expect(code).toBe(1);
    expect(io.stderr.text).toContain('Element 0 is 0.');
    expect(worker.requests).toHaveLength(1);
  });

  it('requires a terminal when no numbers are given', async () => {
    prompts.inject(['1 2 3', false]);
    const io = createTestIo({ stdinIsTTY: false });

    const code = await runCli(['stats', '--worker', worker.url], io);

    expect(code).toBe(2);
    expect(io.stderr.text).toContain('stdin is not a terminal');
    expect(io.stderr.text).toContain('hotdog stats 4 8 15');
    expect(worker.requests).toHaveLength(0);
  });
});

describe('hotdog command line', () => {
  it.each([
    { case: 'no command', argv: [], expected: ['missing command', 'stats'] },
    { case: 'unknown command', argv: ['frobnicate'], expected: ['"frobnicate"', 'expected one of: stats'] },
    { case: 'unknown global option', argv: ['--verbose', 'stats'], expected: ['"--verbose"', '--help, --version'] },
    {
      case: 'unknown stats option',
      argv: ['stats', '--colour', '1'],
      expected: ['"--colour"', '--worker, --json, --max-numbers, --timeout, --help'],
    },
    { case: 'unknown short option', argv: ['stats', '-x'], expected: ['"-x"'] },
    { case: 'missing option value', argv: ['stats', '--worker'], expected: ['--worker requires a value (URL)'] },
    { case: 'option as value', argv: ['stats', '--worker', '--json', '1'], expected: ['--worker requires a value'] },
    { case: 'value for a flag', argv: ['stats', '--json=yes', '1'], expected: ['--json is a flag', '"yes"'] },
    { case: 'non-http worker URL', argv: ['stats', '--worker', 'ftp://host', '1'], expected: ['"ftp://host" from --worker'] },
    { case: 'unparsable worker URL', argv: ['stats', '--worker', 'localhost', '1'], expected: ['"localhost"'] },
    { case: 'zero --max-numbers', argv: ['stats', '--max-numbers', '0', '1'], expected: ['--max-numbers "0"'] },
    { case: 'fractional --max-numbers', argv: ['stats', '--max-numbers=1.5', '1'], expected: ['"1.5"'] },
    { case: 'zero --timeout', argv: ['stats', '--timeout', '0', '1'], expected: ['--timeout "0"', 'from 0.001'] },
    { case: 'word --timeout', argv: ['stats', '--timeout', 'soon', '1'], expected: ['"soon"'] },
    { case: 'huge --timeout', argv: ['stats', '--timeout', '9999999', '1'], expected: ['"9999999"'] },
  ])('rejects $case with exit 2', async ({ argv, expected }) => {
    const io = createTestIo();

    const code = await runCli(argv, io);

    expect(code).toBe(2);
    for (const fragment of expected) {
      expect(io.stderr.text).toContain(fragment);
    }
    expect(io.stdout.text).toBe('');
    expect(worker.requests).toHaveLength(0);
  });

  it('rejects an invalid HOTDOG_WORKER_URL', async () => {
    const io = createTestIo({ env: { HOTDOG_WORKER_URL: 'not a url' } });

    const code = await runCli(['stats', '1'], io);

    expect(code).toBe(2);
    expect(io.stderr.text).toContain('"not a url" from HOTDOG_WORKER_URL');
  });

  it('prints the version', async () => {
    const io = createTestIo();

    const code = await runCli(['--version'], io);

    expect(code).toBe(0);
    expect(io.stdout.text).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('prints the command list with --help', async () => {
    const io = createTestIo();

    const code = await runCli(['--help'], io);

    expect(code).toBe(0);
    expect(io.stdout.text).toContain('Usage: hotdog <command> [options]');
    expect(io.stdout.text).toMatch(/^\s+stats\s+/m);
  });

  it.each([[['stats', '--help']], [['stats', '-h']], [['stats', '1', '--help']]])(
    'prints stats help for %j',
    async (argv) => {
      const io = createTestIo();

      const code = await runCli(argv, io);

      expect(code).toBe(0);
      expect(io.stdout.text).toContain('Usage: hotdog stats [options] [numbers...]');
      expect(io.stdout.text).toContain('--max-numbers N');
      expect(io.stdout.text).toContain('130');
      expect(worker.requests).toHaveLength(0);
    },
  );
});

describe('hotdog colour', () => {
  const argv = () => ['stats', '--worker', worker.url, '1', '2'];

  it('styles the table on a terminal', async () => {
    const io = createTestIo({ stdoutIsTTY: true });

    await runCli(argv(), io);

    expect(io.stdout.text).toContain('\u001B[1mcount');
  });

  it.each([
    { case: 'NO_COLOR', env: { NO_COLOR: '1' }, stdoutIsTTY: true },
    { case: 'CI', env: { CI: 'true' }, stdoutIsTTY: true },
    { case: 'TERM=dumb', env: { TERM: 'dumb' }, stdoutIsTTY: true },
    { case: 'non-TTY stdout', env: {}, stdoutIsTTY: false },
  ])('leaves colour off under $case', async ({ env, stdoutIsTTY }) => {
    const io = createTestIo({ env, stdoutIsTTY });

    await runCli(argv(), io);

    expect(io.stdout.text).not.toContain('\u001B[');
  });
});
