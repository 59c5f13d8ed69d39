#!/usr/bin/env node
// Makes sure Debian's Chromium is present for the web page tests, installing it when missing.
//
// The browser tests drive /usr/bin/chromium with playwright-core, because `npx playwright
// install` downloads browser builds from a host outside the package registries. As root on a
// Debian-based system this script installs the `chromium` package with apt-get; elsewhere it
// prints the command to run and exits with 1, so a missing browser never turns into skipped tests.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Path of the browser from Debian's `chromium` package; the web page tests launch it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Upper bound for `apt-get update` plus the install, which downloads the browser and its libraries. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

const INSTALL_COMMAND = 'apt-get update && apt-get install -y --no-install-recommends chromium';

function main() {
  if (existsSync(CHROMIUM_PATH)) {
    console.log(`ensure-chromium: using ${CHROMIUM_PATH}`);
    return 0;
  }

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(
      `ensure-chromium: ${CHROMIUM_PATH} is missing; the web page tests need it. ` +
        `Install Debian's chromium package as root (${INSTALL_COMMAND}) and run the tests again.`,
    );
    return 1;
  }

  console.log(`ensure-chromium: ${CHROMIUM_PATH} is missing; running ${INSTALL_COMMAND}`);
  const result = spawnSync('sh', ['-c', INSTALL_COMMAND], {
    stdio: 'inherit',
    timeout: INSTALL_TIMEOUT_MS,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0 || !existsSync(CHROMIUM_PATH)) {
    console.error(`ensure-chromium: installing chromium failed (exit ${result.status ?? result.signal}); run ${INSTALL_COMMAND} by hand`);
    return 1;
  }
  console.log(`ensure-chromium: installed ${CHROMIUM_PATH}`);
  return 0;
}

process.exitCode = main();
