//! What monitor and its agents both do on a host, below both: the wire format they
//! speak ([`protocol`]), running a shell command and streaming its output
//! ([`command`]), and reading the host's CPU and memory counters ([`sample`]).
//!
//! monitor uses these in-process for the local engine's host and through an agent for
//! a remote one; `monitor agent` (`crate::agent`) serves them, and the agent's client
//! is `crate::docker::AgentClient`.

pub mod command;
pub mod protocol;
pub mod sample;
