//! The Docker build context of a directory: which files `docker build` would
//! send, honouring `.dockerignore`, and a streamed tar of them.
//!
//! `.dockerignore` follows Docker's rules
//! (<https://docs.docker.com/build/concepts/context/#dockerignore-files>):
//! patterns are relative to the context root (`/x`, `./x` and `x` are the
//! same), `#` starts a comment line, `*` and `?` stay within one path segment,
//! `**` spans any number of directories, a pattern matching a directory
//! excludes everything below it, and `!` re-includes, the last matching line
//! winning. The Dockerfile and `.dockerignore` are always sent, as Docker does.
//!
//! Each line becomes its own anchored `ignore::gitignore` matcher asked with
//! `matched_path_or_any_parents`. One matcher per line rather than one for the
//! file, because a single gitignore matcher lets the deepest matching path
//! win, not the last line: with `!build/keep.txt` then `build` it keeps
//! `build/keep.txt`, which Docker excludes.
//!
//! Exceptions below an excluded directory: the `ignore` matcher itself does
//! re-include `build/keep.txt` after `build` (the gitignore limitation comes
//! from git's walker, which never enters an ignored directory). Docker's
//! walker has a narrower version of that shortcut, and so does ours: an
//! excluded directory is entered only when an exception pattern's text starts
//! with its path, so `!build/keep.txt` is honoured but `!**/keep.txt` cannot
//! bring back anything under an excluded `build/`. The one dialect difference
//! left is a `**` that is not a whole path segment (`a**b`): Docker lets it
//! cross `/`, gitignore treats it as `*`.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Component, Path, PathBuf};

use bytes::{Bytes, BytesMut};
use futures::Stream;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

/// Size of one chunk of the tar stream.
const CHUNK_SIZE: usize = 64 * 1024;
/// Chunks buffered ahead of the reader: bounds the stream's memory to about 1 MiB.
const CHUNKS_AHEAD: usize = 16;
const DOCKERIGNORE: &str = ".dockerignore";

/// Why a build context could not be opened or read.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("build context {} is not a directory", .path.display())]
    NotADirectory { path: PathBuf },
    #[error("Dockerfile {} does not exist in the build context", .path.display())]
    DockerfileMissing { path: PathBuf },
    #[error("Dockerfile path {path:?} must be relative and stay inside the build context")]
    DockerfileOutside { path: String },
    #[error(".dockerignore line {line}: {reason}")]
    Dockerignore { line: usize, reason: String },
    #[error("could not read {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> ContextError + '_ {
    move |source| ContextError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A directory as `docker build` would see it.
#[derive(Debug)]
pub struct BuildContext {
    root: PathBuf,
    /// Relative to `root`, with forward slashes.
    dockerfile: String,
    ignore: DockerIgnore,
}

impl BuildContext {
    /// Opens `root` as a build context whose Dockerfile is `dockerfile`
    /// (relative to `root`), reading its `.dockerignore` if there is one.
    pub fn open(root: &Path, dockerfile: &str) -> Result<BuildContext, ContextError> {
        match fs::metadata(root) {
            Ok(meta) if meta.is_dir() => {}
            Err(err) if err.kind() != io::ErrorKind::NotFound => {
                return Err(io_error(root)(err));
            }
            _ => {
                return Err(ContextError::NotADirectory {
                    path: root.to_path_buf(),
                });
            }
        }
        let dockerfile = normalize_dockerfile(dockerfile)?;
        let path = root.join(&dockerfile);
        match fs::metadata(&path) {
            Ok(meta) if meta.is_file() => {}
            Err(err) if err.kind() != io::ErrorKind::NotFound => {
                return Err(io_error(&path)(err));
            }
            _ => return Err(ContextError::DockerfileMissing { path }),
        }
        // A symlinked directory on the way could lead outside the context,
        // where the daemon, which only gets the symlink, would never find it.
        let real_root = fs::canonicalize(root).map_err(io_error(root))?;
        let real = fs::canonicalize(&path).map_err(io_error(&path))?;
        if !real.starts_with(&real_root) {
            return Err(ContextError::DockerfileOutside { path: dockerfile });
        }
        let ignore = DockerIgnore::read(root, &dockerfile)?;
        Ok(BuildContext {
            root: root.to_path_buf(),
            dockerfile,
            ignore,
        })
    }

    /// The Dockerfile, relative to the root with forward slashes, as the
    /// daemon's build API expects it.
    pub fn dockerfile(&self) -> &str {
        &self.dockerfile
    }

    /// Relative paths of every directory, file and symlink that will be sent,
    /// sorted (a directory before its contents). Symlinks are not followed.
    /// Sockets, FIFOs and devices are left out: a build has no use for them
    /// and reading a FIFO would block the tar forever.
    pub fn files(&self) -> Result<Vec<PathBuf>, ContextError> {
        let mut sent = Vec::new();
        let mut pending = vec![PathBuf::new()];
        while let Some(dir) = pending.pop() {
            let abs = self.root.join(&dir);
            for entry in fs::read_dir(&abs).map_err(io_error(&abs))? {
                let entry = entry.map_err(io_error(&abs))?;
                let kind = entry.file_type().map_err(io_error(&entry.path()))?;
                if !(kind.is_dir() || kind.is_file() || kind.is_symlink()) {
                    continue;
                }
                let rel = dir.join(entry.file_name());
                if self.ignore.excludes(&rel, kind.is_dir()) {
                    if kind.is_dir() && self.ignore.may_reinclude_below(&rel) {
                        pending.push(rel);
                    }
                    continue;
                }
                if kind.is_dir() {
                    pending.push(rel.clone());
                }
                sent.push(rel);
            }
        }
        sent.sort();
        Ok(sent)
    }

    /// The context as an uncompressed tar, produced on a blocking thread in
    /// 64 KiB chunks with at most 16 buffered, so memory stays flat whatever
    /// the context's size. A failure ends the stream with an `Err`; dropping
    /// the stream stops the producer. Must be called within a Tokio runtime.
    pub fn tar_stream(self) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
        let (tx, rx) = mpsc::channel(CHUNKS_AHEAD);
        tokio::task::spawn_blocking(move || {
            let writer = ChunkWriter {
                tx: tx.clone(),
                buf: BytesMut::with_capacity(CHUNK_SIZE),
            };
            // A panic would otherwise end the stream cleanly, and tar's Drop
            // even writes the end-of-archive marker: a silently truncated tar.
            let outcome = catch_unwind(AssertUnwindSafe(|| self.write_tar(writer)))
                .unwrap_or_else(|_| Err(io::Error::other("build context archiver panicked")));
            if let Err(err) = outcome {
                // Fails only when the reader is gone, and then nobody is left to tell.
                let _ = tx.blocking_send(Err(err));
            }
        });
        ReceiverStream::new(rx)
    }

    fn write_tar(&self, writer: ChunkWriter) -> io::Result<()> {
        let files = self.files().map_err(io::Error::other)?;
        let mut tar = tar::Builder::new(writer);
        for rel in &files {
            let abs = self.root.join(rel);
            append_entry(&mut tar, &abs, rel)
                .map_err(|err| io::Error::new(err.kind(), format!("{}: {err}", abs.display())))?;
        }
        tar.into_inner()?.flush()
    }
}

/// Writes one entry with the file's mtime and permissions but uid/gid 0 and
/// no owner names, so the same tree always gives the same archive.
fn append_entry(tar: &mut tar::Builder<ChunkWriter>, abs: &Path, rel: &Path) -> io::Result<()> {
    let header_for = |meta: &fs::Metadata| {
        let mut header = tar::Header::new_gnu();
        header.set_metadata_in_mode(meta, tar::HeaderMode::Complete);
        header.set_mode(meta.mode() & 0o7777);
        header.set_uid(0);
        header.set_gid(0);
        header
    };
    let meta = fs::symlink_metadata(abs)?;
    if meta.file_type().is_symlink() {
        let target = fs::read_link(abs)?;
        tar.append_link(&mut header_for(&meta), rel, target)
    } else if meta.is_dir() {
        tar.append_data(&mut header_for(&meta), rel, io::empty())
    } else {
        let file = File::open(abs)?;
        // The size comes from the open file, the one we are about to read.
        let meta = file.metadata()?;
        let reader = ExactReader {
            remaining: meta.len(),
            inner: file.take(meta.len()),
        };
        tar.append_data(&mut header_for(&meta), rel, reader)
    }
}

/// Reads exactly the size already written in the tar header. A file that
/// grows is cut at that size; one that shrinks fails the stream, since
/// padding it would send a corrupt file as if it were whole.
struct ExactReader {
    inner: io::Take<File>,
    remaining: u64,
}

impl Read for ExactReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && self.remaining > 0 && !buf.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "file shrank while being archived",
            ));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// Cuts what tar writes into chunks and hands them to the async side.
struct ChunkWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: BytesMut,
}

impl ChunkWriter {
    fn send(&mut self) -> io::Result<()> {
        let chunk = self.buf.split().freeze();
        self.buf.reserve(CHUNK_SIZE);
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "build context stream dropped"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = data.len().min(CHUNK_SIZE - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK_SIZE {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.send()
    }
}

/// Checks a Dockerfile path is relative and inside the context, and spells
/// it the way the daemon expects (`./a//Dockerfile` becomes `a/Dockerfile`).
fn normalize_dockerfile(dockerfile: &str) -> Result<String, ContextError> {
    let outside = || ContextError::DockerfileOutside {
        path: dockerfile.to_string(),
    };
    let mut parts = Vec::new();
    for component in Path::new(dockerfile).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str().ok_or_else(outside)?),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(outside());
            }
        }
    }
    if parts.is_empty() {
        return Err(outside());
    }
    Ok(parts.join("/"))
}

/// One `.dockerignore` line.
#[derive(Debug)]
struct Rule {
    matcher: Gitignore,
    exception: bool,
    /// The cleaned pattern, for deciding whether to enter an excluded directory.
    pattern: String,
}

/// The parsed `.dockerignore`, plus the files Docker sends regardless.
#[derive(Debug)]
struct DockerIgnore {
    rules: Vec<Rule>,
    always_sent: [PathBuf; 2],
}

impl DockerIgnore {
    fn read(root: &Path, dockerfile: &str) -> Result<DockerIgnore, ContextError> {
        let path = root.join(DOCKERIGNORE);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(err) => return Err(io_error(&path)(err)),
        };
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let mut rules = Vec::new();
        for (index, raw) in bytes.split(|&byte| byte == b'\n').enumerate() {
            let parse_error = |reason: String| ContextError::Dockerignore {
                line: index + 1,
                reason,
            };
            // Refused rather than read lossily: a pattern that silently
            // matches nothing could send a secret it was meant to keep out.
            let line =
                std::str::from_utf8(raw).map_err(|_| parse_error("not valid UTF-8".to_string()))?;
            // Docker checks for `#` before trimming, so ` #x` is a pattern.
            if line.starts_with('#') {
                continue;
            }
            let line = line.trim();
            let (exception, pattern) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            if exception && pattern.is_empty() {
                return Err(parse_error("`!` must be followed by a pattern".to_string()));
            }
            let Some(pattern) = clean(pattern) else {
                continue;
            };
            let mut builder = GitignoreBuilder::new(".");
            builder.allow_unclosed_class(false);
            // The leading `/` anchors it at the root, and keeps a pattern
            // starting with `#` or `!` from being read as gitignore syntax.
            builder
                .add_line(None, &format!("/{pattern}"))
                .map_err(|err| parse_error(err.to_string()))?;
            let matcher = builder
                .build()
                .map_err(|err| parse_error(err.to_string()))?;
            rules.push(Rule {
                matcher,
                exception,
                pattern,
            });
        }
        Ok(DockerIgnore {
            rules,
            always_sent: [PathBuf::from(dockerfile), PathBuf::from(DOCKERIGNORE)],
        })
    }

    /// Whether `rel` is left out of the context: the last line matching it or
    /// one of its parents decides.
    fn excludes(&self, rel: &Path, is_dir: bool) -> bool {
        if self.always_sent.iter().any(|path| path == rel) {
            return false;
        }
        self.rules
            .iter()
            .rev()
            .find(|rule| {
                rule.matcher
                    .matched_path_or_any_parents(rel, is_dir)
                    .is_ignore()
            })
            .is_some_and(|rule| !rule.exception)
    }

    /// Whether something below the excluded directory `rel` may be sent
    /// after all, so the walk must enter it (Docker's prefix test).
    fn may_reinclude_below(&self, rel: &Path) -> bool {
        let Some(dir) = rel.to_str() else {
            return false;
        };
        let dir = format!("{dir}/");
        self.always_sent.iter().any(|path| path.starts_with(rel))
            || self
                .rules
                .iter()
                .any(|rule| rule.exception && format!("{}/", rule.pattern).starts_with(&dir))
    }
}

/// Go's `filepath.Clean` as Docker applies it to every pattern, minus the
/// leading `/`. `None` for a pattern that cannot match inside the context.
fn clean(pattern: &str) -> Option<String> {
    let rooted = pattern.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in pattern.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                // Above the root: a rooted pattern stays at the root, as
                // `filepath.Clean("/..")` does; a relative one is outside.
                if parts.pop().is_none() && !rooted {
                    return None;
                }
            }
            _ => parts.push(part),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use std::os::unix::fs::symlink;
    use tempfile::TempDir;

    /// A context directory holding `files` (path, contents); parents are created.
    fn tree(files: &[(&str, &str)]) -> TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, contents) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
            fs::write(path, contents).expect("write");
        }
        dir
    }

    fn sent(dir: &TempDir, dockerfile: &str) -> Vec<String> {
        let context = BuildContext::open(dir.path(), dockerfile).expect("opens");
        let files = context.files().expect("walks");
        files.iter().map(|p| p.display().to_string()).collect()
    }

    #[test]
    fn an_excluded_file_is_not_sent() {
        let dir = tree(&[
            ("Dockerfile", "FROM scratch"),
            ("secret.env", "TOKEN=1"),
            ("app.rs", ""),
            (".dockerignore", "secret.env\n"),
        ]);
        assert_eq!(
            sent(&dir, "Dockerfile"),
            [".dockerignore", "Dockerfile", "app.rs"]
        );
    }

    #[test]
    fn double_star_excludes_a_directory_at_any_depth_without_entering_it() {
        let dir = tree(&[
            ("Dockerfile", ""),
            ("node_modules/x.js", ""),
            ("web/node_modules/y/z.js", ""),
            ("web/app.js", ""),
            (".dockerignore", "**/node_modules\n"),
        ]);
        assert_eq!(
            sent(&dir, "Dockerfile"),
            [".dockerignore", "Dockerfile", "web", "web/app.js"]
        );
    }

    #[test]
    fn an_exception_re_includes_and_the_last_matching_line_wins() {
        let dir = tree(&[
            ("Dockerfile", ""),
            ("README.md", ""),
            ("NOTES.md", ""),
            ("CHANGES.md", ""),
            (
                ".dockerignore",
                "*.md\n!*.md\nNOTES.md\n!README.md\nREADME.md\n!CHANGES.md\n",
            ),
        ]);
        assert_eq!(
            sent(&dir, "Dockerfile"),
            [".dockerignore", "CHANGES.md", "Dockerfile"]
        );
    }

    #[test]
    fn an_exception_below_an_excluded_directory_is_sent_only_when_listed_last() {
        let dir = tree(&[
            ("Dockerfile", ""),
            ("build/keep.txt", ""),
            ("build/drop.txt", ""),
            ("out/keep.txt", ""),
            (
                ".dockerignore",
                "build\n!build/keep.txt\n!out/keep.txt\nout\n",
            ),
        ]);
        assert_eq!(
            sent(&dir, "Dockerfile"),
            [".dockerignore", "Dockerfile", "build/keep.txt"]
        );
    }

    #[test]
    fn the_dockerfile_and_dockerignore_are_sent_even_when_ignored() {
        let dir = tree(&[
            ("docker/Dockerfile", ""),
            ("docker/other", ""),
            ("main.rs", ""),
            (".dockerignore", "docker\n.dockerignore\n*\n"),
        ]);
        assert_eq!(
            sent(&dir, "./docker//Dockerfile"),
            [".dockerignore", "docker/Dockerfile"]
        );
    }

    #[test]
    fn comment_and_blank_lines_are_not_patterns() {
        let dir = tree(&[
            ("Dockerfile", ""),
            ("secret.env", ""),
            ("logs/a.log", ""),
            (".dockerignore", "# secret.env\n\n   \r\nlogs\r\n"),
        ]);
        assert_eq!(
            sent(&dir, "Dockerfile"),
            [".dockerignore", "Dockerfile", "secret.env"]
        );
    }

    #[test]
    fn patterns_are_anchored_at_the_root_with_or_without_a_leading_slash() {
        let dir = tree(&[
            ("Dockerfile", ""),
            ("a.txt", ""),
            ("b.txt", ""),
            ("c.txt", ""),
            ("sub/a.txt", ""),
            ("sub/c.txt", ""),
            (".dockerignore", "/a.txt\n./b.txt\nc.txt\n"),
        ]);
        assert_eq!(
            sent(&dir, "Dockerfile"),
            [
                ".dockerignore",
                "Dockerfile",
                "sub",
                "sub/a.txt",
                "sub/c.txt"
            ]
        );
    }

    #[test]
    fn symlinks_are_sent_as_links_and_not_followed() {
        let dir = tree(&[("Dockerfile", ""), ("real/file", "")]);
        symlink("real", dir.path().join("link")).expect("symlink");
        assert_eq!(
            sent(&dir, "Dockerfile"),
            ["Dockerfile", "link", "real", "real/file"]
        );
    }

    #[test]
    fn a_dockerfile_path_leaving_the_context_is_refused() {
        let dir = tree(&[("ctx/Dockerfile", ""), ("Dockerfile", "")]);
        let root = dir.path().join("ctx");
        for path in ["../Dockerfile", "/etc/passwd", "a/../../Dockerfile", ""] {
            let err = BuildContext::open(&root, path).expect_err(path);
            assert!(
                matches!(err, ContextError::DockerfileOutside { .. }),
                "{path}: {err}"
            );
        }
        symlink(dir.path(), root.join("up")).expect("symlink");
        let err = BuildContext::open(&root, "up/Dockerfile").expect_err("escapes by symlink");
        assert!(
            matches!(err, ContextError::DockerfileOutside { .. }),
            "{err}"
        );
    }

    #[test]
    fn a_missing_dockerfile_is_refused_with_its_path() {
        let dir = tree(&[("app.rs", "")]);
        let err = BuildContext::open(dir.path(), "docker/Dockerfile").expect_err("missing");
        assert!(matches!(err, ContextError::DockerfileMissing { .. }));
        assert!(err.to_string().contains("docker/Dockerfile"), "{err}");
    }

    #[test]
    fn a_root_that_is_not_a_directory_is_refused() {
        let dir = tree(&[("Dockerfile", "")]);
        for root in [dir.path().join("Dockerfile"), dir.path().join("nowhere")] {
            let err = BuildContext::open(&root, "Dockerfile").expect_err("not a dir");
            assert!(matches!(err, ContextError::NotADirectory { .. }), "{err}");
        }
    }

    #[test]
    fn an_unparsable_dockerignore_is_refused_with_its_line() {
        let cases: [(&[u8], usize); 3] = [(b"ok\n[abc\n", 2), (b"!\n", 1), (b"a\n\xff\n", 2)];
        for (text, line) in cases {
            let dir = tree(&[("Dockerfile", "")]);
            fs::write(dir.path().join(".dockerignore"), text).expect("write");
            let err = BuildContext::open(dir.path(), "Dockerfile").expect_err("unparsable");
            assert!(
                matches!(err, ContextError::Dockerignore { line: l, .. } if l == line),
                "{text:?}: {err}"
            );
        }
    }

    #[test]
    fn clean_follows_go_filepath_clean() {
        assert_eq!(clean("/a//b/./c/").as_deref(), Some("a/b/c"));
        assert_eq!(clean("a/../b").as_deref(), Some("b"));
        assert_eq!(clean("/../a").as_deref(), Some("a"));
        assert_eq!(clean("../a"), None);
        assert_eq!(clean("."), None);
    }

    #[tokio::test]
    async fn the_tar_stream_holds_every_sent_entry_with_its_contents() {
        let big = "x".repeat(3 * CHUNK_SIZE + 7);
        let dir = tree(&[
            ("Dockerfile", "FROM scratch\n"),
            ("src/main.rs", "fn main() {}\n"),
            ("big.bin", &big),
            ("target/debug/app", "binary"),
            (".dockerignore", "target\n"),
        ]);
        symlink("src/main.rs", dir.path().join("main")).expect("symlink");
        let context = BuildContext::open(dir.path(), "Dockerfile").expect("opens");

        let mut archive = Vec::new();
        let mut stream = Box::pin(context.tar_stream());
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.expect("chunk");
            assert!(chunk.len() <= CHUNK_SIZE);
            archive.extend_from_slice(&chunk);
        }

        let mut names = Vec::new();
        let mut main_rs = String::new();
        for entry in tar::Archive::new(&archive[..]).entries().expect("entries") {
            let mut entry = entry.expect("entry");
            let header = entry.header();
            assert_eq!(
                (header.uid().expect("uid"), header.gid().expect("gid")),
                (0, 0)
            );
            let name = entry.path().expect("path").display().to_string();
            match name.as_str() {
                "main" => {
                    assert_eq!(header.entry_type(), tar::EntryType::Symlink);
                    let target = entry.link_name().expect("link").expect("has target");
                    assert_eq!(target, Path::new("src/main.rs"));
                }
                "big.bin" => assert_eq!(header.size().expect("size"), big.len() as u64),
                "src/main.rs" => {
                    entry.read_to_string(&mut main_rs).expect("read");
                }
                _ => {}
            }
            names.push(name);
        }
        assert_eq!(
            names,
            [
                ".dockerignore",
                "Dockerfile",
                "big.bin",
                "main",
                "src",
                "src/main.rs"
            ]
        );
        assert_eq!(main_rs, "fn main() {}\n");
    }
}
