// Trunk post_build hook (Trunk.toml [[hooks]]): writes the build's file
// list into its service worker, and keeps every script of the page external
// so the page's Content-Security-Policy (script-src 'self') holds.
//
//   node scripts/precache.mjs [DIR]     (DIR defaults to $TRUNK_STAGING_DIR)
//
// 1. index.html must carry no inline <script>. The one Trunk adds itself under
//    `trunk serve` (its autoreload client) is moved into trunk-autoreload.js;
//    any other inline script fails the build.
// 2. sw.js's line `const BUILD = …;` becomes this build's list: every file
//    (but sw.js) with its SHA-256 (as a Subresource Integrity value, which the
//    worker checks while caching), whether its name carries Trunk's content
//    hash (then its content never changes), and the version, a hash of every
//    file's content (index.html's without the version itself). index.html
//    gets the version too, as <meta name="gradlab-build">, so the page can
//    tell whether it is the build its worker caches. Running this again on a
//    changed folder rewrites both.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('precache: no folder (argument or TRUNK_STAGING_DIR)');

// Trunk's hashed names: `<stem>-<16 hex digits>` (wasm-bindgen adds `_bg`).
const HASHED = /-[0-9a-f]{16}(_bg)?\.[a-z]+$/;
const BUILD_LINE = /^const BUILD = .*;(.*)$/m;

async function filesUnder(root) {
  const out = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/'));
  }
  return out.sort();
}

/** Moves Trunk's inline autoreload script into a file; refuses any other inline script. */
async function externaliseScripts() {
  const page = join(dir, 'index.html');
  let html = await readFile(page, 'utf8');
  const inline = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;
  for (const [tag, body] of [...html.matchAll(inline)]) {
    if (!body.includes('.well-known/trunk/ws')) {
      throw new Error(`precache: index.html has an inline script, which the CSP refuses:\n${tag.slice(0, 200)}`);
    }
    const client = body
      .replaceAll("'{{__TRUNK_ADDRESS__}}'", 'window.location.host')
      .replaceAll("'{{__TRUNK_WS_BASE__}}'", "new URL('.', document.currentScript.src).pathname");
    await writeFile(join(dir, 'trunk-autoreload.js'), client);
    html = html.replace(tag, '<script src="trunk-autoreload.js"></script>');
  }
  await writeFile(page, html);
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest();

const META = /\n\s*<meta name="gradlab-build" content="[0-9a-f]*">/;

await externaliseScripts();
// The version: every file's content but sw.js, index.html without its version.
const page = join(dir, 'index.html');
const html = (await readFile(page, 'utf8')).replace(META, '');
const paths = (await filesUnder(dir)).filter((path) => path !== 'sw.js');
const digests = new Map();
for (const path of paths) digests.set(path, sha256(path === 'index.html' ? html : await readFile(join(dir, path))));
const version = sha256(JSON.stringify([...digests].map(([p, d]) => [p, d.toString('hex')]))).toString('hex').slice(0, 16);
const stamped = html.replace('</title>', `</title>\n  <meta name="gradlab-build" content="${version}">`);
if (stamped === html) throw new Error('precache: index.html has no </title>');
await writeFile(page, stamped);
digests.set('index.html', sha256(stamped));
const files = paths.map((path) => ({ path, integrity: `sha256-${digests.get(path).toString('base64')}`, immutable: HASHED.test(path) }));
const worker = join(dir, 'sw.js');
const source = await readFile(worker, 'utf8');
if (!BUILD_LINE.test(source)) throw new Error('precache: sw.js has no `const BUILD = …;` line');
await writeFile(worker, source.replace(BUILD_LINE, (_, rest) => `const BUILD = ${JSON.stringify({ version, files })};${rest}`));
console.log(`precache: sw.js lists ${files.length} files, build ${version}`);
