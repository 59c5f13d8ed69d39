/**
 * Records the demo: the labeling page in Chromium (docs/demo/web.mp4 and web.gif) and the
 * `hotdog` client in a tmux terminal (docs/demo/cli.gif), against a worker on a temporary folder
 * store with the demo images.
 *
 * Usage: pnpm demo:record [--short] [--out DIR]
 *
 * `--short` shortens every hold and types in one step; the smoke test runs it that way into a
 * temporary folder. Needs the built packages (`pnpm build`) and Debian's chromium, ffmpeg and tmux
 * (`node test-support/ensure-debian-tools.mjs`); `pnpm demo:record` does both first.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';

import { chromium, type Browser } from 'playwright-core';

import { REPO_ROOT, startWorker, type ServerProcess } from '../bench/lib/child.js';
import { demoImagesDir, readDemoGoldLabels } from '../packages/label-store/dist/index.js';
import { recordCli } from './lib/cli-recording.js';
import { encodeGif, encodeMp4, FFMPEG, probe, writeConcatList, type MediaInfo } from './lib/ffmpeg.js';
import { Stage, type RenderedFrame } from './lib/stage.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '../test-support/chromium.js';
import { shellQuote } from '../test-support/shell-quote.js';
import { TMUX, TmuxTerminal } from '../test-support/tmux-terminal.js';
import { recordWeb, WEB_VIEWPORT } from './lib/web-recording.js';

const CLIENT_CLI = join(REPO_ROOT, 'packages/prompt-client/dist/cli.js');
const WEB_INDEX = join(REPO_ROOT, 'packages/http-worker/dist/web/index.html');

/** Limits that the published files must meet. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_TOTAL_SECONDS = 180;

/** Terminal size of the CLI recording, and its font in CSS pixels. */
const TERMINAL = { columns: 100, rows: 32, fontSize: 14, rowHeight: 18 };
/** Width of one terminal column in DejaVu Sans Mono: 0.602 em. */
const TERMINAL_WIDTH = Math.ceil(TERMINAL.columns * TERMINAL.fontSize * 0.602) + 32;

/** GIF widths in pixels and frame rates. */
const WEB_GIF = { width: 800, fps: 8 };
const CLI_GIF = { width: TERMINAL_WIDTH, fps: 10 };

/** Annotators whose answers exist before the recorded sessions, so the results have votes to combine. */
const SCRIPTED_ANNOTATORS = [
  { name: 'Scripted Ana', wrongEvery: 0 },
  { name: 'Scripted Ben', wrongEvery: 12 },
  { name: 'Scripted Cy', wrongEvery: 4 },
];

const USAGE = `Usage: pnpm demo:record [--short] [--out DIR]

Records docs/demo/web.mp4, docs/demo/web.gif and docs/demo/cli.gif against a worker on a
temporary store with the demo images.

Options:
  --short    Shorten every hold and type each command at once (for the smoke test)
  --out DIR  Folder for the files (default: docs/demo)
  -h, --help Show this help`;

interface Options {
  short: boolean;
  outDir: string;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | undefined {
  let values: { short: boolean; out?: string; help: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { short: { type: 'boolean', default: false }, out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(USAGE);
    return undefined;
  }
  return { short: values.short, outDir: resolve(values.out ?? join(REPO_ROOT, 'docs/demo')) };
}

function checkPrerequisites(): void {
  const missing = [
    [CHROMIUM, 'run node test-support/ensure-debian-tools.mjs'],
    [FFMPEG, 'run node test-support/ensure-debian-tools.mjs'],
    [TMUX, 'run node test-support/ensure-debian-tools.mjs'],
    [CLIENT_CLI, 'run pnpm build'],
    [WEB_INDEX, 'run pnpm build'],
  ].filter(([path]) => !existsSync(path!));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.map(([path, fix]) => `${path} (${fix})`).join(', ')}`);
  }
}

/** Makes an image that is not in the demo set: a demo hot dog mirrored left to right. */
async function makeUploadImage(workDir: string): Promise<Buffer> {
  const output = join(workDir, 'mirrored-hotdog.jpg');
  await promisify(execFile)(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-i', join(demoImagesDir(), 'hotdog-03.jpg'), '-vf', 'hflip', '-q:v', '3', output], { timeout: 60_000 });
  return readFile(output);
}

/**
 * Posts the answers of the scripted annotators for every demo image. Annotator i answers wrongly
 * on every `wrongEvery`-th image, so the consensus has disagreement to resolve.
 */
async function seedScriptedAnswers(workerUrl: string, truth: ReadonlyMap<string, 0 | 1>): Promise<void> {
  const images = [...truth.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const annotator of SCRIPTED_ANNOTATORS) {
    const answers = images.map(([image, label], index) => {
      const wrong = annotator.wrongEvery > 0 && index % annotator.wrongEvery === annotator.wrongEvery - 1;
      return { image, label: wrong ? 1 - label : label, answerId: randomUUID() };
    });
    const response = await fetch(`${workerUrl}/v1/labels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annotator: annotator.name, answers }),
    });
    if (response.status !== 200) {
      throw new Error(`posting the answers of ${annotator.name} failed with HTTP ${response.status}: ${await response.text()}`);
    }
  }
}

/**
 * Writes `hotdog`, a wrapper that runs the built client, so the terminal shows the command as
 * users type it, and the shell start-up file of the recorded terminal. Returns the file's path.
 */
async function writeShellSetup(workDir: string, workerUrl: string): Promise<string> {
  const binDir = join(workDir, 'bin');
  await mkdir(binDir, { recursive: true });
  const wrapper = join(binDir, 'hotdog');
  await writeFile(wrapper, `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(CLIENT_CLI)} "$@"\n`);
  await chmod(wrapper, 0o755);

  const rcFile = join(workDir, 'demo.bashrc');
  const lines = [
    `export PATH=${shellQuote(binDir)}:"$PATH"`,
    `export HOTDOG_WORKER_URL=${shellQuote(workerUrl)}`,
    'export COLORTERM=truecolor LANG=C.UTF-8',
    "PS1='$ '",
  ];
  await writeFile(rcFile, `${lines.join('\n')}\n`);
  return rcFile;
}

interface Encoded {
  file: string;
  info: MediaInfo;
}

async function encode(frames: RenderedFrame[], workDir: string, name: string, outputs: { mp4?: string; gif?: string; gifOptions: { width: number; fps: number } }): Promise<Encoded[]> {
  const list = join(workDir, `${name}.ffconcat`);
  await writeConcatList(frames, list);
  const encoded: Encoded[] = [];
  if (outputs.mp4 !== undefined) {
    await encodeMp4(list, outputs.mp4);
    encoded.push({ file: outputs.mp4, info: await probe(outputs.mp4) });
  }
  if (outputs.gif !== undefined) {
    await encodeGif(list, outputs.gif, outputs.gifOptions);
    encoded.push({ file: outputs.gif, info: await probe(outputs.gif) });
  }
  return encoded;
}

/** Start time in seconds of each caption, for the manifest. */
function captionTimeline(frames: readonly RenderedFrame[]): { caption: string; startSeconds: number }[] {
  const timeline: { caption: string; startSeconds: number }[] = [];
  let elapsed = 0;
  for (const frame of frames) {
    if (timeline.at(-1)?.caption !== frame.caption) {
      timeline.push({ caption: frame.caption, startSeconds: Number(elapsed.toFixed(2)) });
    }
    elapsed += frame.seconds;
  }
  return timeline;
}

function checkLimits(encoded: readonly Encoded[], webSeconds: number, cliSeconds: number): void {
  const tooLarge = encoded.filter(({ info }) => info.bytes >= MAX_FILE_BYTES);
  if (tooLarge.length > 0) {
    throw new Error(`files of 5 MiB or more: ${tooLarge.map(({ file, info }) => `${file} (${info.bytes} bytes)`).join(', ')}`);
  }
  if (webSeconds + cliSeconds > MAX_TOTAL_SECONDS) {
    throw new Error(`the recordings last ${(webSeconds + cliSeconds).toFixed(1)} s together, more than ${MAX_TOTAL_SECONDS} s`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === undefined) return;
  checkPrerequisites();

  const workDir = await mkdtemp(join(tmpdir(), 'hotdog-demo-'));
  const storeDir = join(workDir, 'store');
  const framesDir = join(workDir, 'frames');
  const holdScale = options.short ? 0.25 : 1;

  let worker: ServerProcess | undefined;
  let browser: Browser | undefined;
  let terminal: TmuxTerminal | undefined;
  try {
    await mkdir(framesDir, { recursive: true });
    worker = await startWorker(['--storage', `fs:${storeDir}`, '--seed-demo', '--gold-demo']);
    console.log(`demo: worker on ${worker.url}, store ${storeDir}`);

    const truth = new Map(await readDemoGoldLabels());
    const uploadBytes = await makeUploadImage(workDir);
    truth.set(createHash('sha256').update(uploadBytes).digest('hex'), 1);
    await seedScriptedAnswers(worker.url, await readDemoGoldLabels());

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    console.log('demo: recording the web page');
    const web = await recordWeb(browser, {
      workerUrl: worker.url,
      truth,
      annotator: 'Web Demo',
      upload: { name: 'mirrored-hotdog.jpg', mimeType: 'image/jpeg', bytes: uploadBytes },
      holdScale,
      fastTyping: options.short,
    });

    console.log('demo: recording the terminal');
    const rcFile = await writeShellSetup(workDir, worker.url);
    terminal = await TmuxTerminal.start({ columns: TERMINAL.columns, rows: TERMINAL.rows, cwd: workDir, rcFile });
    const cli = await recordCli(terminal, { truth, annotator: 'Terminal Demo', holdScale, fastTyping: options.short });
    await terminal.stop();
    terminal = undefined;

    console.log(`demo: rendering ${web.frames.length} web and ${cli.frames.length} terminal frames`);
    const webStage = await Stage.open(browser, { width: WEB_VIEWPORT.width, fontSize: TERMINAL.fontSize, rowHeight: TERMINAL.rowHeight });
    const webFrames = await webStage.render(web.frames, framesDir, 'web');
    await webStage.close();
    const cliStage = await Stage.open(browser, { width: TERMINAL_WIDTH, fontSize: TERMINAL.fontSize, rowHeight: TERMINAL.rowHeight });
    const cliFrames = await cliStage.render(cli.frames, framesDir, 'cli');
    await cliStage.close();

    // Encode into the work folder and copy only files that meet the limits, so a failed run
    // leaves the published files as they were.
    console.log('demo: encoding with ffmpeg');
    const webFiles = await encode(webFrames, workDir, 'web', { mp4: join(workDir, 'web.mp4'), gif: join(workDir, 'web.gif'), gifOptions: WEB_GIF });
    const cliFiles = await encode(cliFrames, workDir, 'cli', { gif: join(workDir, 'cli.gif'), gifOptions: CLI_GIF });
    const encoded = [...webFiles, ...cliFiles];
    checkLimits(encoded, webFiles[0]!.info.seconds, cliFiles[0]!.info.seconds);
    await mkdir(options.outDir, { recursive: true });
    for (const { file } of encoded) {
      await copyFile(file, join(options.outDir, basename(file)));
    }

    const manifest = {
      generatedBy: options.short ? 'demo/record.ts --short' : 'demo/record.ts',
      files: Object.fromEntries(encoded.map(({ file, info }) => [basename(file), info])),
      web: { captions: captionTimeline(webFrames), answers: web.answers, uploadStatus: web.uploadStatus },
      cli: { captions: captionTimeline(cliFrames), answers: cli.answers, screens: cli.screens },
    };
    await writeFile(join(options.outDir, 'recording.json'), `${JSON.stringify(manifest, null, 2)}\n`);

    for (const { file, info } of encoded) {
      const published = join(options.outDir, basename(file));
      const displayPath = published.startsWith(REPO_ROOT) ? relative(REPO_ROOT, published) : published;
      console.log(`demo: ${displayPath}: ${info.width}x${info.height} ${info.codec}, ${info.seconds.toFixed(1)} s, ${(info.bytes / 1024).toFixed(0)} KiB`);
    }
  } finally {
    await terminal?.stop();
    await browser?.close();
    await worker?.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`demo: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  console.error(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
