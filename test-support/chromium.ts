/**
 * Debian's Chromium and the flags that the web page tests and the demo recorder launch it with
 * through playwright-core. `node test-support/ensure-debian-tools.mjs chromium` installs it.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
