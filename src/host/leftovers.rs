//! What commands left running when the process that started them was killed without a
//! chance to stop them (SIGKILL, a crash): found on the next start by the operation id
//! every process of a command carries in its environment, and killed.
//!
//! The parent-death signal kills a command's first process at once; what that process
//! started lives on as an orphan until this finds it. Only the operations a caller names
//! are looked for: a command that ended on its own may have left a daemon on purpose.

use std::collections::{BTreeMap, HashSet};

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, Signal, System, UpdateKind};

use super::protocol::OPERATION_ENV;

/// Rounds of looking and killing: a process may fork while the previous round kills it,
/// and its child is found by the next one.
const ROUNDS: usize = 20;

/// A process that was left running, and has been killed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub pid: u32,
    /// Its command name, as the kernel keeps it.
    pub name: String,
}

impl std::fmt::Display for Leftover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pid {} ({})", self.pid, self.name)
    }
}

/// Kills every process on this host whose environment names one of `operations`, and
/// says which, by operation. Blocking: it reads `/proc`.
pub fn kill(operations: &[String]) -> BTreeMap<String, Vec<Leftover>> {
    let markers: Vec<(String, &String)> = operations
        .iter()
        .map(|operation| (format!("{OPERATION_ENV}={operation}"), operation))
        .collect();
    let mut killed: BTreeMap<String, Vec<Leftover>> = BTreeMap::new();
    if markers.is_empty() {
        return killed;
    }
    let own = Pid::from_u32(std::process::id());
    let mut seen = HashSet::new();
    let mut system = System::new();
    for _ in 0..ROUNDS {
        system.refresh_processes_specifics(
            ProcessesToUpdate::All,
            true,
            ProcessRefreshKind::nothing().with_environ(UpdateKind::Always),
        );
        let mut found = false;
        for (pid, process) in system.processes() {
            if *pid == own || process.thread_kind().is_some() || seen.contains(pid) {
                continue;
            }
            let environ = process.environ();
            let Some((_, operation)) = markers.iter().find(|(marker, _)| {
                environ
                    .iter()
                    .any(|entry| entry.to_str() == Some(marker.as_str()))
            }) else {
                continue;
            };
            found = true;
            seen.insert(*pid);
            if process.kill_with(Signal::Kill).unwrap_or(false) {
                killed
                    .entry((*operation).clone())
                    .or_default()
                    .push(Leftover {
                        pid: pid.as_u32(),
                        name: process.name().to_string_lossy().into_owned(),
                    });
            }
        }
        if !found {
            break;
        }
    }
    killed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processes_of_the_named_operation_are_killed_and_others_are_not() {
        let spawn = |operation: &str| {
            std::process::Command::new("sleep")
                .arg("300")
                .env(OPERATION_ENV, operation)
                .spawn()
                .expect("sleep starts")
        };
        let mut left = spawn("01LEFT");
        let mut other = spawn("01OTHER");

        let killed = kill(&["01LEFT".to_string()]);

        let pids: Vec<u32> = killed["01LEFT"]
            .iter()
            .map(|leftover| leftover.pid)
            .collect();
        assert_eq!(pids, [left.id()]);
        assert_eq!(killed.len(), 1);
        assert!(!left.wait().expect("waits").success());
        assert!(
            other.try_wait().expect("polls").is_none(),
            "the other operation's process runs on"
        );
        other.kill().expect("kills");
        other.wait().expect("waits");
    }
}
