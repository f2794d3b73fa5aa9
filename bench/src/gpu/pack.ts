/**
 * Packs what the GPU device machine needs into `.gpu-pack/` (git-ignored; `run` carries it): the GPU
 * checks bundled into one file (esbuild, from source), Dawn's `dawn.node` from the `webgpu` package, this
 * machine's Node binary (the device has none) and Debian's Vulkan loader, each compressed, and checks that
 * the pack plus the working tree that travels with it stay under the device's 64 MiB.
 *
 *   pnpm --filter @icd/bench gpu:pack
 *   # then, with a device lent: run({ command: 'bash bench/src/gpu/run-on-device.sh', carry: ['.gpu-pack'], timeout_s: 540 })
 *   pnpm --filter @icd/bench gpu:record <folder the device's files came back in>
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const pack = join(root, '.gpu-pack');
const limitBytes = 64 * 2 ** 20;
const require = createRequire(import.meta.url);

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, name) => total + sizeOf(join(path, name)), 0);
}

/** `xz` of `source` into `target`, skipped when `target` is newer than `source`. */
function compress(source: string, target: string, level: string): void {
  if (existsSync(target) && statSync(target).mtimeMs > statSync(source).mtimeMs) return;
  console.log(`xz ${level} ${source}`);
  execFileSync(
    'sh',
    ['-c', `xz ${level} -T2 -c "$1" > "$2.partial" && mv "$2.partial" "$2"`, 'xz', source, target],
    {
      stdio: 'inherit',
    },
  );
}

async function main(): Promise<void> {
  mkdirSync(pack, { recursive: true });
  await build({
    entryPoints: [join(here, 'device-checks.ts')],
    outfile: join(pack, 'device-checks.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@icd/source'],
    // tfjs's packages list side effects for their ESM files only: with `main` (CommonJS) first, esbuild
    // drops the backend registrations, so take `module` first as browser bundlers do.
    mainFields: ['module', 'main'],
    // CommonJS dependencies (tfjs) call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as icdCreateRequire } from 'node:module'; const require = icdCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const dawn = join(dirname(require.resolve('webgpu/package.json')), 'dist', 'linux-x64', 'dawn.node');
  compress(dawn, join(pack, 'dawn.node.xz'), '-6');
  compress(process.execPath, join(pack, 'node.xz'), '-9');
  const debs = join(pack, 'debs');
  if (!existsSync(debs) || readdirSync(debs).length === 0) {
    mkdirSync(debs, { recursive: true });
    mkdirSync('/tmp/amd64/partial', { recursive: true });
    const apt = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', '-oDir::State::Lists=/tmp/amd64'];
    execFileSync('apt-get', [...apt, 'update', '-q'], { stdio: 'inherit' });
    execFileSync('apt-get', [...apt, 'download', 'libvulkan1'], { cwd: debs, stdio: 'inherit' });
  }
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root })
    .toString()
    .split('\0')
    .filter((path) => path.length > 0 && existsSync(join(root, path)))
    .reduce((total, path) => total + statSync(join(root, path)).size, 0);
  const packed = sizeOf(pack);
  for (const name of readdirSync(pack))
    console.log(`  ${name}: ${(sizeOf(join(pack, name)) / 2 ** 20).toFixed(1)} MiB`);
  console.log(
    `pack ${(packed / 2 ** 20).toFixed(1)} MiB + tracked files ${(tracked / 2 ** 20).toFixed(1)} MiB = ${((packed + tracked) / 2 ** 20).toFixed(1)} MiB (device limit 64 MiB, untracked files not counted)`,
  );
  if (packed + tracked > limitBytes * 0.95) {
    console.error('too big for the device: leave something out');
    process.exit(1);
  }
}

if (process.argv.includes('--clean')) rmSync(pack, { recursive: true, force: true });
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
