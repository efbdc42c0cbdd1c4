//! What monitor and its agents both do on a host, below both: the wire format they
//! speak ([`protocol`]), running a shell command and streaming its output
//! ([`command`]), finding and killing what commands left running when the process that
//! started them died ([`leftovers`]), and reading the host's CPU and memory counters
//! ([`sample`]).
//!
//! monitor uses these in-process for the local engine's host and through an agent for
//! a remote one; `monitor agent` (`crate::agent`) serves them, and the agent's client
//! is `crate::docker::AgentClient`.

pub mod command;
pub mod leftovers;
pub mod protocol;
pub mod sample;
