#!/usr/bin/env node
import { createRequire } from 'node:module';
import { parseCommandLine } from './config.js';
import { createLogger } from './logger.js';
import { startWorker } from './worker.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

async function main(): Promise<void> {
  const parsed = parseCommandLine(process.argv.slice(2), process.env, version);
  if (parsed.kind === 'exit') {
    (parsed.toStderr ? process.stderr : process.stdout).write(parsed.output);
    process.exitCode = parsed.code;
    return;
  }

  const logger = createLogger(parsed.config.logLevel);
  let worker;
  try {
    worker = await startWorker(parsed.config, { logger });
  } catch (error) {
    logger.fatal({ err: error }, 'worker failed to start');
    process.exitCode = 1;
    return;
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal received; exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'signal received');
    void worker.close().then((finished) => {
      process.exitCode = finished ? 0 : 1;
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
