//! Probes and measurements, the server side of `monitor probe`.
//!
//! What exists so far is what both ends share: [`input`] validates what a user asks a
//! probe to measure (per-kind parameters with their bounds, targets, schedules), and
//! [`protocol`] is the versioned wire format spoken over the probe's websocket. The
//! probe program ([`crate::probe`]) imports these; nothing here imports it.

pub mod input;
pub mod protocol;
