// Trunk post_build hook (Trunk.toml [[hooks]]): the two steps every build
// of the page takes after Trunk has staged it, in this order.
//
//   node scripts/post-build.mjs [DIR]    (DIR defaults to $TRUNK_STAGING_DIR)
//
// 1. scripts/shrink-wasm.mjs: wasm-opt drops the module's debug names.
// 2. scripts/precache.mjs: the service worker's file list, with each file's
//    SHA-256, so it must see the final bytes of the wasm module.
// (One hook running both, because Trunk 0.21 starts the hooks of one stage
// side by side: two hooks could not be ordered.)
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('post-build: no folder (argument or TRUNK_STAGING_DIR)');
for (const step of ['shrink-wasm.mjs', 'precache.mjs']) {
  execFileSync(process.execPath, [join(here, step), dir], { stdio: 'inherit' });
}
