//! Real git repositories for the tests: a bare "remote" reached by `file://`, and a
//! working copy that commits and pushes to it.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct GitRepo {
    /// `file:///…/remote.git`, as a stack's repo URL.
    pub url: String,
    work: PathBuf,
    _dir: tempfile::TempDir,
}

impl GitRepo {
    /// A remote whose `main` branch holds `files` in one commit.
    pub fn create(files: &[(&str, &str)]) -> GitRepo {
        let dir = tempfile::tempdir().expect("a directory for the repository");
        let remote = dir.path().join("remote.git");
        let work = dir.path().join("work");
        git(
            dir.path(),
            &["init", "--quiet", "--bare", "-b", "main"],
            &remote,
        );
        git(dir.path(), &["init", "--quiet", "-b", "main"], &work);
        let repo = GitRepo {
            url: format!("file://{}", remote.display()),
            work,
            _dir: dir,
        };
        git(
            &repo.work,
            &["remote", "add", "origin"],
            Path::new(&repo.url),
        );
        repo.commit(files, "first commit");
        repo
    }

    /// Writes the files, commits them to `branch` and pushes; returns the new commit.
    pub fn commit_to(&self, branch: &str, files: &[(&str, &str)], message: &str) -> String {
        run(&self.work, &["checkout", "--quiet", "-B", branch]);
        for (path, content) in files {
            let path = self.work.join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("directories");
            std::fs::write(path, content).expect("a file");
        }
        run(&self.work, &["add", "--all"]);
        run(&self.work, &["commit", "--quiet", "-m", message]);
        run(
            &self.work,
            &["push", "--quiet", "--force", "origin", branch],
        );
        run(&self.work, &["rev-parse", "HEAD"])
    }

    pub fn commit(&self, files: &[(&str, &str)], message: &str) -> String {
        self.commit_to("main", files, message)
    }
}

fn git(cwd: &Path, args: &[&str], target: &Path) {
    let mut all: Vec<&str> = args.to_vec();
    let target = target.display().to_string();
    all.push(&target);
    run(cwd, &all);
}

fn run(cwd: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(cwd)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}
