// Real git repositories for the browser tests: a bare "remote" reached by `file://`, and
// a working copy that commits its files and pushes them there, as tests/api/gitrepo.rs does.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function git(cwd, ...args) {
  const { stdout } = await run('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd });
  return stdout.trim();
}

/** A remote whose `main` branch holds `files` (path → content) in one commit. */
export async function createRepo(files) {
  const dir = await mkdtemp(join(tmpdir(), 'gitrepo-e2e-'));
  const remote = join(dir, 'remote.git');
  const work = join(dir, 'work');
  await git(dir, 'init', '--quiet', '--bare', '-b', 'main', remote);
  await git(dir, 'init', '--quiet', '-b', 'main', work);
  const url = `file://${remote}`;
  await git(work, 'remote', 'add', 'origin', url);

  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), content);
  }
  await git(work, 'add', '--all');
  await git(work, 'commit', '--quiet', '-m', 'first commit');
  await git(work, 'push', '--quiet', 'origin', 'main');
  const head = await git(work, 'rev-parse', 'HEAD');
  return { url, head, remove: () => rm(dir, { recursive: true, force: true }) };
}
