import { execFile } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

import { shellQuote } from '../../test-support/shell-quote.js';
import type { RenderedFrame } from './stage.js';

const run = promisify(execFile);

/** Debian's ffmpeg; `node test-support/ensure-debian-tools.mjs ffmpeg` installs it. */
export const FFMPEG = '/usr/bin/ffmpeg';
export const FFPROBE = '/usr/bin/ffprobe';

/** Upper bound for one ffmpeg run; encoding a recording of a minute takes a few seconds. */
const FFMPEG_TIMEOUT_MS = 5 * 60_000;

/**
 * Writes an ffmpeg concat list that shows each frame for its duration. The concat demuxer ignores
 * the duration of the last entry, so the last file is listed twice.
 */
export async function writeConcatList(frames: readonly RenderedFrame[], listFile: string): Promise<void> {
  if (frames.length === 0) {
    throw new Error('cannot assemble a recording with no frames');
  }
  const lines = ['ffconcat version 1.0'];
  for (const frame of frames) {
    lines.push(`file ${shellQuote(frame.file)}`, `duration ${frame.seconds.toFixed(3)}`);
  }
  lines.push(`file ${shellQuote(frames.at(-1)!.file)}`);
  await writeFile(listFile, `${lines.join('\n')}\n`);
}

async function ffmpeg(args: readonly string[]): Promise<void> {
  try {
    await run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { timeout: FFMPEG_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`ffmpeg ${args.join(' ')} failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

/** Encodes the frames of a concat list as H.264 MP4 at 25 frames per second, playable in browsers. */
export async function encodeMp4(listFile: string, output: string): Promise<void> {
  await ffmpeg([
    '-f', 'concat', '-safe', '0', '-i', listFile,
    // H.264 in yuv420p needs even dimensions.
    '-vf', 'fps=25,scale=trunc(iw/2)*2:trunc(ih/2)*2:flags=lanczos,format=yuv420p',
    '-c:v', 'libx264', '-preset', 'slow', '-crf', '26', '-tune', 'stillimage',
    '-movflags', '+faststart', output,
  ]);
}

/**
 * Encodes the frames of a concat list as a looping GIF, `width` pixels wide at `fps` frames per
 * second. One palette is made for the whole recording, and each frame stores only the rectangle
 * that changed, which keeps screens that change little small.
 */
export async function encodeGif(listFile: string, output: string, options: { width: number; fps: number }): Promise<void> {
  const filter =
    `fps=${options.fps},scale=${options.width}:-1:flags=lanczos,split[frames][copy];` +
    '[copy]palettegen=max_colors=200:stats_mode=diff[palette];' +
    '[frames][palette]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle';
  await ffmpeg(['-f', 'concat', '-safe', '0', '-i', listFile, '-filter_complex', filter, '-loop', '0', output]);
}

/** Facts about an encoded file, read back with ffprobe. */
export interface MediaInfo {
  bytes: number;
  seconds: number;
  width: number;
  height: number;
  codec: string;
}

/** Reads the size, duration, dimensions and codec of a video or GIF with ffprobe. */
export async function probe(file: string): Promise<MediaInfo> {
  const { stdout } = await run(
    FFPROBE,
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height:format=duration', '-of', 'json', file],
    { timeout: 60_000 },
  );
  const parsed = JSON.parse(stdout) as { streams?: { codec_name: string; width: number; height: number }[]; format?: { duration?: string } };
  const stream = parsed.streams?.[0];
  if (stream === undefined || parsed.format?.duration === undefined) {
    throw new Error(`ffprobe found no video stream with a duration in ${file}: ${stdout}`);
  }
  return {
    bytes: (await stat(file)).size,
    seconds: Number(parsed.format.duration),
    width: stream.width,
    height: stream.height,
    codec: stream.codec_name,
  };
}
