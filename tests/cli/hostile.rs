//! Hostile workspaces under `specls check`: each run is bounded in time (killed and failed
//! when it runs over) and in memory (an address-space limit), so a regression fails here
//! instead of hanging CI or eating the machine.

#![cfg(unix)]

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Run, complete_spec, workspace};

/// Enough for the server's threads and arenas, far below what an unbounded read takes.
pub const ADDRESS_SPACE_LIMIT: u64 = 4 << 30;

/// `specls ARGS` in `dir`, killed after `limit`.
fn specls_bounded(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_specls"));
    command
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: ADDRESS_SPACE_LIMIT,
                rlim_max: ADDRESS_SPACE_LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().expect("run specls");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let output = child.wait_with_output().unwrap();
            return Run {
                code: status.code().expect("specls exited by a signal"),
                stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
                stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
            };
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("specls {args:?} ran over {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn mkfifo(path: &Path) {
    let path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo");
}

const BOUND: Duration = Duration::from_secs(60);

#[test]
fn a_fifo_named_like_a_spec_is_skipped_with_a_finding() {
    let dir = workspace(&[("specs/ok.md", complete_spec().as_bytes())]);
    mkfifo(&dir.path().join("specs/spec.md"));
    // Walked: the FIFO is not a regular file and is not even looked at.
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "No problems in 1 file\n");
    // Named: checked only as far as to say why not.
    let run = specls_bounded(dir.path(), &["check", "specs/spec.md"], BOUND);
    assert!(
        run.stdout
            .contains("specs/spec.md:1:1: warning[skipped-file]: not checked: a FIFO is not a regular file"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(run.code, 0);
}

#[test]
fn dev_zero_linked_as_a_spec_is_never_read() {
    let dir = workspace(&[("specs/ok.md", complete_spec().as_bytes())]);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("specs/zero.md")).unwrap();
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert_eq!(run.stdout, "No problems in 1 file\n", "{}", run.stderr);
    let run = specls_bounded(dir.path(), &["check", "specs/zero.md"], BOUND);
    assert!(
        run.stdout.contains(
            "specs/zero.md:1:1: warning[skipped-file]: not checked: a device is not a regular file"
        ),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn a_huge_sparse_file_is_skipped_with_a_finding() {
    let dir = workspace(&[("specs/ok.md", complete_spec().as_bytes())]);
    let file = std::fs::File::create(dir.path().join("specs/huge.md")).unwrap();
    file.set_len(1 << 30).unwrap();
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert!(
        run.stdout.contains(
            "specs/huge.md:1:1: warning[skipped-file]: not checked: 1024 MB is over the 8 MB limit"
        ),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(run.code, 0, "a skipped file is a warning");
}

#[test]
fn symlink_loops_and_a_link_to_the_root_are_not_walked() {
    let dir = workspace(&[("specs/ok.md", complete_spec().as_bytes())]);
    std::os::unix::fs::symlink(".", dir.path().join("specs/loop")).unwrap();
    std::os::unix::fs::symlink("b", dir.path().join("specs/a")).unwrap();
    std::os::unix::fs::symlink("a", dir.path().join("specs/b")).unwrap();
    std::os::unix::fs::symlink("/", dir.path().join("specs/root")).unwrap();
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "No problems in 1 file\n");
}

#[test]
fn a_hundred_thousand_tiny_files_are_checked_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for folder in 0..100 {
        let folder_path = dir.path().join(format!("notes/{folder}"));
        std::fs::create_dir_all(&folder_path).unwrap();
        for file in 0..1000 {
            std::fs::write(folder_path.join(format!("{file}.md")), "# Note\n\nText.\n").unwrap();
        }
    }
    let run = specls_bounded(dir.path(), &["check"], Duration::from_secs(120));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "No problems in 100000 files\n");
}
