#!/usr/bin/env node
// Makes sure the Debian programs that the tests and the demo recorder run are present,
// installing the missing ones.
//
// Usage: node test-support/ensure-debian-tools.mjs [chromium] [ffmpeg] [tmux]
// (no arguments means all three)
//
// - chromium: the web page tests and the demo recorder drive /usr/bin/chromium with playwright-core,
//   because `npx playwright install` downloads browser builds from a host outside the package
//   registries.
// - ffmpeg: the demo recorder assembles its frames into MP4 and GIF files.
// - tmux: the demo recorder and the terminal redraw test run the client in a real terminal.
//
// As root on a Debian-based system this script installs the missing packages with apt-get.
// Elsewhere it prints the command to run and exits with 1, so a missing program never turns into
// skipped tests.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Program path and Debian package of each tool. */
const TOOLS = {
  chromium: { path: '/usr/bin/chromium', debianPackage: 'chromium' },
  ffmpeg: { path: '/usr/bin/ffmpeg', debianPackage: 'ffmpeg' },
  tmux: { path: '/usr/bin/tmux', debianPackage: 'tmux' },
};

/** Upper bound for `apt-get update` plus the install; Chromium and ffmpeg bring many libraries. */
const INSTALL_TIMEOUT_MS = 20 * 60_000;

function main(names) {
  const unknown = names.filter((name) => !Object.hasOwn(TOOLS, name));
  if (unknown.length > 0) {
    console.error(`ensure-debian-tools: unknown tool ${unknown.join(', ')}; expected some of ${Object.keys(TOOLS).join(', ')}`);
    return 2;
  }

  const missing = names.filter((name) => !existsSync(TOOLS[name].path));
  for (const name of names.filter((tool) => !missing.includes(tool))) {
    console.log(`ensure-debian-tools: using ${TOOLS[name].path}`);
  }
  if (missing.length === 0) {
    return 0;
  }

  const packages = missing.map((name) => TOOLS[name].debianPackage).join(' ');
  const installCommand = `apt-get update && apt-get install -y --no-install-recommends ${packages}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(
      `ensure-debian-tools: ${missing.map((name) => TOOLS[name].path).join(', ')} missing. ` +
        `Install the Debian packages as root (${installCommand}) and run the command again.`,
    );
    return 1;
  }

  console.log(`ensure-debian-tools: running ${installCommand}`);
  const result = spawnSync('sh', ['-c', installCommand], {
    stdio: 'inherit',
    timeout: INSTALL_TIMEOUT_MS,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const stillMissing = missing.filter((name) => !existsSync(TOOLS[name].path));
  if (result.status !== 0 || stillMissing.length > 0) {
    console.error(`ensure-debian-tools: installing ${packages} failed (exit ${result.status ?? result.signal}); run ${installCommand} by hand`);
    return 1;
  }
  console.log(`ensure-debian-tools: installed ${packages}`);
  return 0;
}

const requested = process.argv.slice(2);
process.exitCode = main(requested.length > 0 ? requested : Object.keys(TOOLS));
