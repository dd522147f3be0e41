import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
import { waitFor } from './waitFor.js';

/** The legacy release: package 0.1.0, grid protocol 2.0 (in this repository's history). */
export const LEGACY_COMMIT = '1339fbf02f6e9345b8e0eb3f834bae710d97f68e';
/** The first release of this major: package 0.2.0, grid protocol 3.0. */
export const FIRST_MAJOR_RELEASE_COMMIT = '6e1311e07680f9754c170430a0a265110742d93b';
/** The release before this build: package 0.3.0, grid protocol 3.1. */
export const PREVIOUS_RELEASE_COMMIT = '1cb3fec22e180ddcc402bceb7c351675635323c6';

export interface LegacyBuild {
  /** The checkout of the release's commit, built. */
  dir: string;
  /** Its `oxk` entry point (for `NodeProcess`'s `bin`). */
  bin: string;
  /** Its stock config folder. */
  configDir: string;
  /** Its cache-driver test bundle folder, for `kernel.bundles.path`. */
  cacheDriverBundlesPath: string;
}

/** Every dependency of the legacy package.json is installed here at the same major version. */
function nodeModulesFit(pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }): boolean {
  const wanted = { ...pkg.dependencies, ...pkg.devDependencies };
  return Object.entries(wanted).every(([name, range]) => {
    const file = join(repoRoot, 'node_modules', name, 'package.json');
    if (!existsSync(file)) return false;
    const installed = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    return installed.split('.')[0] === range.replace(/^[\^~]/, '').split('.')[0];
  });
}

/** A shallow clone lacks a release commit: fetch just that commit from origin, or say what to do. */
function ensureCommit(commit: string): void {
  const has = () => {
    try {
      execFileSync('git', ['-C', repoRoot, 'cat-file', '-e', `${commit}^{commit}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (has()) return;
  try {
    execFileSync('git', ['-C', repoRoot, 'fetch', '--quiet', '--depth=1', 'origin', commit], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`the release commit ${commit} is not in this clone and could not be fetched from origin (${(err as Error).message.split('\n')[0]}); clone with full history`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes the build lock (a file holding the builder's pid; a dead builder's lock is taken over). */
async function lock(file: string): Promise<() => void> {
  await waitFor(`the legacy build lock ${file}`, () => {
    try {
      closeSync(openSync(file, 'wx'));
      writeFileSync(file, String(process.pid));
      return true;
    } catch {
      const holder = Number(readFileSync(file, 'utf8') || 0);
      if (holder > 0 && !alive(holder)) rmSync(file, { force: true });
      return false;
    }
  }, 600_000, 200);
  return () => rmSync(file, { force: true });
}

/**
 * Builds the legacy release once per checkout, in a folder under the OS temp dir keyed by the
 * commit and this checkout's path (its node_modules may be linked there): `git archive` of the commit, this checkout's node_modules by symlink when its versions
 * fit the legacy package.json (else `npm ci`), then the legacy's own `tsc`. Concurrent callers wait
 * for the lock; later ones find the finished folder.
 */
export function legacyBuild(): Promise<LegacyBuild> {
  return releaseBuild(LEGACY_COMMIT);
}

/** A built checkout of any release commit of this repository (see `legacyBuild`). */
export async function releaseBuild(commit: string): Promise<LegacyBuild> {
  const checkout = createHash('sha256').update(repoRoot).digest('hex').slice(0, 8);
  const dir = join(tmpdir(), `oxk-release-${commit.slice(0, 12)}-${checkout}`);
  const result: LegacyBuild = {
    dir,
    bin: join(dir, 'dist', 'cli', 'oxk.js'),
    configDir: join(dir, 'config'),
    cacheDriverBundlesPath: join(dir, 'test', 'fixtures', 'cache-bundles'),
  };
  const done = join(dir, '.built');
  // A build whose linked node_modules went away (its checkout was removed) is built again.
  const usable = () => existsSync(done) && existsSync(join(dir, 'node_modules', 'commander', 'package.json'));
  if (usable()) return result;
  const release = await lock(`${dir}.lock`);
  try {
    if (usable()) return result;
    const work = `${dir}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    ensureCommit(commit);
    const archive = execFileSync('git', ['-C', repoRoot, 'archive', commit], { maxBuffer: 512 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', work], { input: archive });
    const pkg = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')) as Parameters<typeof nodeModulesFit>[0];
    if (nodeModulesFit(pkg)) symlinkSync(join(repoRoot, 'node_modules'), join(work, 'node_modules'), 'dir');
    else execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: work, stdio: 'ignore' });
    execFileSync(process.execPath, [join(work, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', work], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
    writeFileSync(done, `${commit}\n`);
    return result;
  } finally {
    release();
  }
}
