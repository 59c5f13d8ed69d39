import { describe, expect, it } from 'vitest';
import { formatTransactionLog, MAX_LOGGED_INPUT_CHARS, transactionLogKey, type StatsTransaction } from '../src/transaction-log-record.js';

const base: StatsTransaction = {
  requestId: '3f0c1d2e-0000-4000-8000-000000000001',
  receivedAt: new Date('2026-12-04T20:30:01.234Z'),
  clientAddress: '127.0.0.1',
  status: 200,
  handlingMs: 0.5,
  responseCompleted: true,
};

describe('transactionLogKey', () => {
  it('uses the UTC date folders, a compact timestamp and the request id', () => {
    expect(transactionLogKey(base)).toBe('logs/stats/2026/12/04/20261204T203001234Z-3f0c1d2e-0000-4000-8000-000000000001.txt');
  });

  it('uses the UTC date, not the local date', () => {
    const key = transactionLogKey({ ...base, receivedAt: new Date('2026-12-31T23:59:59.999Z') });
    expect(key.startsWith('logs/stats/2026/12/31/20261231T235959999Z-')).toBe(true);
  });
});

describe('formatTransactionLog', () => {
  it('records an accepted transaction with numbers and result', () => {
    const text = formatTransactionLog({
      ...base,
      numbers: [10, 9, 8, 100],
      result: { count: 4, min: 8, max: 100, mean: 31.75, median: 9.5 },
    });

    expect(text).toContain('request_id: 3f0c1d2e-0000-4000-8000-000000000001\n');
    expect(text).toContain('received_at: 2026-12-04T20:30:01.234Z\n');
    expect(text).toContain('client_address: 127.0.0.1\n');
    expect(text).toContain('outcome: accepted\n');
    expect(text).toContain('numbers: [10,9,8,100]\n');
    expect(text).toContain('result: count=4 min=8 max=100 mean=31.75 median=9.5\n');
    expect(text).toContain('handling_ms: 0.500\n');
    expect(text).not.toContain('error_code');
  });

  it('records a rejected transaction with its raw input and error', () => {
    const text = formatTransactionLog({
      ...base,
      status: 400,
      rawInput: '{"numbers":[0]}',
      error: { code: 'NOT_POSITIVE', message: 'number at index 0 is 0' },
    });

    expect(text).toContain('outcome: rejected\n');
    expect(text).toContain('input: "{\\"numbers\\":[0]}"\n');
    expect(text).toContain('error_code: NOT_POSITIVE\n');
    expect(text).toContain('error_message: "number at index 0 is 0"\n');
  });

  it('keeps a multi-line raw input on one line', () => {
    const text = formatTransactionLog({ ...base, status: 400, rawInput: '{\n"numbers":\r\n[1,', error: { code: 'INVALID_JSON', message: 'x' } });
    const inputLines = text.split('\n').filter((line) => line.startsWith('input: '));

    expect(inputLines).toEqual(['input: "{\\n\\"numbers\\":\\r\\n[1,"']);
  });

  it('cuts a long raw input and states its full length', () => {
    const raw = 'x'.repeat(MAX_LOGGED_INPUT_CHARS + 500);
    const text = formatTransactionLog({ ...base, status: 400, rawInput: raw, error: { code: 'INVALID_JSON', message: 'x' } });

    expect(text).toContain(`(cut to ${MAX_LOGGED_INPUT_CHARS} of ${raw.length} characters)`);
    expect(text.length).toBeLessThan(MAX_LOGGED_INPUT_CHARS + 1000);
  });

  it('notes a body that was never read', () => {
    const text = formatTransactionLog({ ...base, status: 413, inputNote: 'body not read: BODY_TOO_LARGE', error: { code: 'BODY_TOO_LARGE', message: 'm' } });

    expect(text).toContain('input: (none: body not read: BODY_TOO_LARGE)\n');
  });
});
