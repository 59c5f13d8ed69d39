#!/usr/bin/env node
// Entry point of the `hotdog` binary.
import { shouldUseColor } from './_output.js';

// prompts colours its output through kleur 3, which reads NODE_DISABLE_COLORS when it
// loads and ignores NO_COLOR, CI and TTY detection. Setting that variable before the
// first import of prompts applies the same colour rule to the prompts as to the rest.
if (!shouldUseColor(process.stdout, process.env)) {
  process.env.NODE_DISABLE_COLORS = '1';
}

import('./run-cli.js')
  .then(({ runCli }) => runCli(process.argv.slice(2)))
  .then((exitCode) => {
    process.exitCode = exitCode;
  })
  .catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`hotdog: unexpected error: ${message}\n`);
    process.exitCode = 1;
  });
