import { cpus, totalmem } from 'node:os';

/** One table of a benchmark's results. */
export interface ResultTable {
  title: string;
  columns: string[];
  rows: string[][];
  /** Sentences printed under the table, such as how a figure was computed. */
  notes?: string[];
}

/** A target from the benchmark plan and whether this run met it. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchmarkReport {
  id: string;
  title: string;
  tables: ResultTable[];
  targets: TargetCheck[];
  /** Wall time of the benchmark, in seconds. */
  seconds: number;
}

/** The machine that ran the benchmarks, for the report. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function describeMachine(): MachineInfo {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Renders a table as Markdown. */
export function markdownTable(table: ResultTable): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const lines = [
    `| ${table.columns.map(escape).join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** Renders a table as aligned plain text for the terminal. */
export function textTable(table: ResultTable): string {
  const widths = table.columns.map((column, index) => Math.max(column.length, ...table.rows.map((row) => (row[index] ?? '').length)));
  const format = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index] as number)).join('  ');
  return [format(table.columns), format(widths.map((width) => '-'.repeat(width))), ...table.rows.map(format)].join('\n');
}

/** Renders every report as the generated Markdown section of docs/benchmarks.md. */
export function renderMarkdown(reports: readonly BenchmarkReport[], machine: MachineInfo, command: string, startedAt: Date, s3: string): string {
  const parts = [
    `Run on ${startedAt.toISOString().slice(0, 10)} with \`${command}\` (${Math.round(
      reports.reduce((sum, report) => sum + report.seconds, 0),
    )} s of benchmarks).`,
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory, ${machine.platform}, Node.js ${machine.node}. S3 server: ${s3}.`,
    '',
    '### Targets',
    '',
    markdownTable({
      title: 'Targets',
      columns: ['benchmark', 'target', 'measured', 'met'],
      rows: reports.flatMap((report) => report.targets.map((check) => [report.id, check.target, check.measured, check.met ? 'yes' : 'no'])),
    }),
  ];

  for (const report of reports) {
    parts.push('', `### ${report.id}. ${report.title}`);
    for (const table of report.tables) {
      parts.push('', `${table.title}:`, '', markdownTable(table));
      for (const note of table.notes ?? []) parts.push('', note);
    }
  }
  return `${parts.join('\n')}\n`;
}
