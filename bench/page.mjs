// What the page benchmarks share: their command-line options, W2's link, and
// the page to measure: a URL given with `--url` (or GRADLAB_URL), else this
// checkout's dist/ served on a free local port.
//
//   import { arg, W2, pageUrl } from './page.mjs';
//   const { url, close } = await pageUrl();

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../tests/e2e/static-server.mjs';

/** The value after `name` on the command line, or `fallback`. */
export const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

/** W2 (docs/WORKLOADS.md) at speed=max: training fills each frame's time budget. */
export const W2 = 'data=spiral&feat=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2&net=8:relu,8:relu,8:relu,8:relu,8:relu,8:relu&speed=max';

/** The page's URL, and how to stop the server started for it (if any). */
export async function pageUrl() {
  const given = arg('--url', process.env.GRADLAB_URL);
  if (given) return { url: given, close: async () => {} };
  const server = await startServer(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
  return { url: server.url, close: () => server.close() };
}
