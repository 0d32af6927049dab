// How GradLab's browser tests and benchmarks start Chromium: the system's
// /usr/bin/chromium (or $CHROMIUM) through playwright-core, headless, with
// the flags this sandbox needs (no sandbox as root, no GPU, and none of the
// background network traffic a closed network refuses).

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A headless Chromium browser. */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
