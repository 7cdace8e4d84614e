//! Shared by the LSP and CLI test binaries: a child process whose memory is bounded, so a
//! server or check that reads without bound fails its test instead of taking the machine.

use std::os::unix::process::CommandExt;
use std::process::Command;

/// Enough for the server's threads and arenas, far below what an unbounded read takes.
pub const ADDRESS_SPACE_LIMIT: u64 = 4 << 30;

/// Runs `command` under [`ADDRESS_SPACE_LIMIT`] of address space.
pub fn limit_address_space(command: &mut Command) {
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
}
