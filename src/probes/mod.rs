//! Probes and measurements, the server side of `monitor probe`.
//!
//! [`input`] validates what a user asks a probe to measure (per-kind parameters with
//! their bounds, targets, schedules), and [`protocol`] is the versioned wire format
//! spoken over the probe's websocket; the probe program ([`crate::probe`]) imports
//! these, and nothing here imports it. The rest is the server's: [`registry`] (probes,
//! their tokens and live state, kept in [`live`]), [`session`] (`/probes/connect`),
//! [`measurements`] (requests, their probes, dispatch within each probe's capacity)
//! and [`results`] (checked, stored once, streamed, downloaded).

pub mod input;
pub mod live;
pub mod measurements;
pub mod protocol;
pub mod registry;
pub mod results;
pub mod session;
