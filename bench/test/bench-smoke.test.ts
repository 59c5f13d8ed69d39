import { describe, expect, it } from 'vitest';

import { benchStatsCore } from '../stats-core.js';
import { benchStatsPath } from '../stats-path.js';

// Quick runs of two benchmarks, so that a change that breaks the harness fails the tests.
// They check that the benchmarks produce results, never how fast anything was.
const quick = { quick: true, loadSeconds: 1, rounds: 1, connections: 4 };
const silent = () => {};

describe('pnpm bench in quick mode', () => {
  it('stats path compares three servers', async () => {
    const report = await benchStatsPath(quick, silent);

    const rows = report.tables[0]!.rows;
    expect(rows.map((row) => row[0])).toEqual(['bare node:http', 'Koa + @koa/router only', 'worker (memory:)']);
    for (const row of rows) {
      expect(Number(row[1]!.replace(/,/g, ''))).toBeGreaterThan(0);
      expect(row[5]).toBe('0');
    }
    expect(report.targets).toHaveLength(1);
  });

  it('stats-core results are exact', async () => {
    const report = await benchStatsCore(quick, silent);

    expect(report.tables[0]!.rows.length).toBeGreaterThan(0);
    expect(report.targets[0]).toMatchObject({ met: true });
  });
});
