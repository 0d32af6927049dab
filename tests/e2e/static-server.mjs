// Tiny static file server for the end-to-end tests: serves a directory
// (default dist/) on 127.0.0.1, on a free port unless one is given, with the
// MIME types a Trunk build needs (notably application/wasm, which streaming
// compilation requires), at the site's root or mounted under a sub-path
// (`prefix`, e.g. /gradlab/, as a static host would deploy it; other paths
// answer 404, the bare /gradlab redirects to /gradlab/). No dependencies
// beyond Node itself.
//
// CLI:    node tests/e2e/static-server.mjs [dir] [port] [prefix]
//         prints one line "listening http://127.0.0.1:PORT/PREFIX" once ready.
// Module: import { startServer } from './static-server.mjs';
//         const { url, close, serve } = await startServer('dist', 0, '/gradlab/');
//         serve('other-dir') swaps the directory served (a redeployment).
//         misbehave((path) => 'hang' | 503 | null) makes the server leave the
//         requests for some paths unanswered, or answer them with an HTTP
//         error (a bad network, a failing host); misbehave(null) ends that.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip',
};

/** Serves `root` on 127.0.0.1:`port` (0 = any free port) under `prefix`. */
export async function startServer(root = 'dist', port = 0, prefix = '/') {
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`prefix must start and end with "/": ${prefix}`);
  let rootAbs = resolve(root);
  let fault = null;
  const server = createServer(async (req, res) => {
    try {
      const full = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const failure = fault?.(full) ?? null;
      if (failure === 'hang') return; // answered never (closed with the server)
      if (failure !== null) {
        res.writeHead(failure, { 'Content-Type': 'text/plain' }).end('failing on purpose');
        return;
      }
      if (full === prefix.slice(0, -1) && prefix !== '/') {
        res.writeHead(301, { Location: prefix }).end();
        return;
      }
      if (!full.startsWith(prefix)) throw new Error('outside the prefix');
      const path = full.slice(prefix.length - 1);
      let file = normalize(join(rootAbs, path));
      if (file !== rootAbs && !file.startsWith(rootAbs + sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const url = `http://127.0.0.1:${server.address().port}${prefix}`;
  const serve = (dir) => {
    rootAbs = resolve(dir);
  };
  const misbehave = (f) => {
    fault = f;
  };
  return { url, serve, misbehave, close: () => new Promise((ok) => { server.close(ok); server.closeAllConnections(); }) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [root = 'dist', port = '0', prefix = '/'] = process.argv.slice(2);
  const { url, close } = await startServer(root, Number(port), prefix);
  console.log(`listening ${url}`);
  const stop = () => close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
