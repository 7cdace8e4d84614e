//! Logging to stderr: stdout belongs to the protocol.

macro_rules! log_warn {
    ($($arg:tt)*) => {
        eprintln!("specls: warning: {}", format_args!($($arg)*))
    };
}

macro_rules! log_info {
    ($($arg:tt)*) => {
        if $crate::log::verbose() {
            eprintln!("specls: {}", format_args!($($arg)*))
        }
    };
}

pub(crate) use {log_info, log_warn};

/// `SPECLS_LOG=info` (or `debug`) adds informational lines to the warnings.
pub fn verbose() -> bool {
    static VERBOSE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *VERBOSE.get_or_init(|| {
        std::env::var("SPECLS_LOG").is_ok_and(|level| matches!(level.as_str(), "info" | "debug" | "trace"))
    })
}
