// Tiny static file server for the end-to-end tests: serves a directory
// (default dist/) on 127.0.0.1, on a free port unless one is given, with the
// MIME types a Trunk build needs (notably application/wasm, which streaming
// compilation requires). No dependencies beyond Node itself.
//
// CLI:    node tests/e2e/static-server.mjs [dir] [port]
//         prints one line "listening http://127.0.0.1:PORT/" once ready.
// Module: import { startServer } from './static-server.mjs';
//         const { url, close } = await startServer('dist');

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
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip',
};

/** Serves `root` on 127.0.0.1:`port` (0 = any free port). */
export async function startServer(root = 'dist', port = 0) {
  const rootAbs = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
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
  const url = `http://127.0.0.1:${server.address().port}/`;
  return { url, close: () => new Promise((ok) => server.close(ok)) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [root = 'dist', port = '0'] = process.argv.slice(2);
  const { url, close } = await startServer(root, Number(port));
  console.log(`listening ${url}`);
  const stop = () => close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
