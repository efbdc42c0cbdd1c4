//! The wire protocol between monitor and `monitor probe`, version [`PROTOCOL_VERSION`].
//!
//! One websocket per probe at [`SESSION_PATH`], opened by the probe with
//! `Authorization: Bearer <probe token>` in the handshake (a bad or revoked token is
//! refused there, with HTTP 401). Every message is one JSON text frame of at most
//! [`MAX_MESSAGE_BYTES`], an object whose `type` names it. A session goes:
//!
//! 1. probe → `hello` (protocol, software version, capacity, probe time, spooled
//!    results); server → `welcome` (its probe id) or `error` and close.
//! 2. Clock: the probe sends `timeRequest`s one at a time, the server answers each with
//!    `timeReply` carrying its receive and send times (NTP's four timestamps); the probe
//!    keeps the sample with the shortest round trip and reports it as `clockOffset`.
//! 3. Then, in any order: server → `assign` (probe → `accepted` or `refused`), `cancel`,
//!    `ack`, `reject`; probe → `result`, `status`.
//!
//! A result is keyed by (assignment, run, target): the probe keeps it on disk until an
//! `ack` names that key and re-sends it after any reconnect, so the server must store a
//! key once however often it arrives and acknowledge repeats too. A `reject` is final
//! (the probe drops the result). Unknown fields are ignored so later versions can add
//! some; an unknown `type`, a missing field, a value out of bounds or an oversized
//! message is a [`ProtocolError`].

mod results;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use results::*;

use crate::probes::input::{MAX_TARGETS, MeasurementParams, Schedule, Target};

/// The protocol version a probe says in `hello`.
pub const PROTOCOL_VERSION: u32 = 1;
/// Where probes open their websocket on the monitor server.
pub const SESSION_PATH: &str = "/probes/connect";
/// The largest message either side sends or accepts.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// The most keys one `ack` names.
pub const MAX_ACK_KEYS: usize = 1000;
/// The longest id (assignment, measurement, probe) and the longest free text.
pub const MAX_ID_LEN: usize = 64;
pub const MAX_TEXT_LEN: usize = 2048;
/// The most assignments and the most concurrent measurements one probe takes.
pub const MAX_CAPACITY: u32 = 256;

/// Identifies one result: the same key is the same result, however often it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultKey {
    pub assignment_id: String,
    pub run: u64,
    pub target: Target,
}

impl std::fmt::Display for ResultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.assignment_id, self.run, self.target)
    }
}

/// Work for a probe: measure these targets with these parameters on this schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub assignment_id: String,
    pub measurement_id: String,
    pub params: MeasurementParams,
    pub targets: Vec<Target>,
    pub schedule: Schedule,
    /// The first run the probe should make: the server already holds the earlier ones.
    #[serde(default)]
    pub first_run: u64,
    /// Targets of `first_run` whose results the server already holds: the probe does
    /// not measure them again (after a reconnect or a restart, it had forgotten them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measured: Vec<Target>,
}

/// One run's outcome for one target: a result, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultMessage {
    pub key: ResultKey,
    pub measurement_id: String,
    /// When the measurement started, on the probe's clock.
    pub probe_time: DateTime<Utc>,
    /// The probe's clock offset (server minus probe) when it measured, in µs.
    pub offset_micros: i64,
    pub result: Option<MeasurementResult>,
    /// Why nothing was measured (the name did not resolve, the socket was refused…).
    pub error: Option<String>,
}

/// What a probe sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ProbeMessage {
    Hello {
        protocol: u32,
        version: String,
        capacity: u32,
        probe_time: DateTime<Utc>,
        /// Results on disk waiting for an acknowledgement.
        spooled: u64,
    },
    TimeRequest {
        probe_sent: DateTime<Utc>,
    },
    ClockOffset {
        /// Server minus probe, in µs.
        offset_micros: i64,
        /// The round trip of the sample it came from, in µs.
        delay_micros: i64,
    },
    Accepted {
        assignment_id: String,
    },
    Refused {
        assignment_id: String,
        reason: String,
    },
    Result(Box<ResultMessage>),
    Status {
        running: u32,
        queued: u32,
        spooled: u64,
    },
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ServerMessage {
    Welcome {
        protocol: u32,
        probe_id: String,
        server_time: DateTime<Utc>,
    },
    TimeReply {
        probe_sent: DateTime<Utc>,
        server_received: DateTime<Utc>,
        server_sent: DateTime<Utc>,
    },
    Assign(Box<Assignment>),
    Cancel {
        assignment_id: String,
    },
    /// These results are stored (or were already): the probe may forget them.
    Ack {
        keys: Vec<ResultKey>,
    },
    /// This result will never be stored (its assignment is not the probe's, it is
    /// malformed): the probe drops it.
    Reject {
        key: ResultKey,
        reason: String,
    },
    Error {
        message: String,
    },
}

/// Why a message was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProtocolError {
    #[error("message of {size} bytes is over the {MAX_MESSAGE_BYTES}-byte limit")]
    TooLarge { size: usize },
    #[error("malformed message: {0}")]
    Malformed(String),
    #[error("invalid message: {0}")]
    Invalid(String),
}

/// A message of either direction: JSON on the wire, checked against its bounds when read.
pub trait Wire: Serialize + DeserializeOwned {
    /// Checks the bounds serde cannot express.
    fn check(&self) -> Result<(), ProtocolError>;

    /// Reads a message, refusing it when oversized, malformed or out of bounds.
    fn decode(text: &str) -> Result<Self, ProtocolError> {
        if text.len() > MAX_MESSAGE_BYTES {
            return Err(ProtocolError::TooLarge { size: text.len() });
        }
        let message: Self = serde_json::from_str(text)
            .map_err(|error| ProtocolError::Malformed(error.to_string()))?;
        message.check()?;
        Ok(message)
    }

    fn encode(&self) -> String {
        // Serialising these types cannot fail: every map key is a string.
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Wire for ProbeMessage {
    fn check(&self) -> Result<(), ProtocolError> {
        match self {
            ProbeMessage::Hello {
                version, capacity, ..
            } => {
                check_text(version, MAX_ID_LEN, "version")?;
                if !(1..=MAX_CAPACITY).contains(capacity) {
                    return invalid(format!("capacity must be 1 to {MAX_CAPACITY}"));
                }
                Ok(())
            }
            ProbeMessage::TimeRequest { .. }
            | ProbeMessage::ClockOffset { .. }
            | ProbeMessage::Status { .. } => Ok(()),
            ProbeMessage::Accepted { assignment_id } => check_id(assignment_id),
            ProbeMessage::Refused {
                assignment_id,
                reason,
            } => {
                check_id(assignment_id)?;
                check_text(reason, MAX_TEXT_LEN, "reason")
            }
            ProbeMessage::Result(result) => {
                check_key(&result.key)?;
                check_id(&result.measurement_id)?;
                match (&result.result, &result.error) {
                    (Some(measured), None) => measured.check().or_else(invalid),
                    (None, Some(error)) => check_text(error, MAX_TEXT_LEN, "error"),
                    _ => invalid("a result has either a result or an error".into()),
                }
            }
        }
    }
}

impl Wire for ServerMessage {
    fn check(&self) -> Result<(), ProtocolError> {
        match self {
            ServerMessage::Welcome { probe_id, .. } => check_id(probe_id),
            ServerMessage::TimeReply { .. } => Ok(()),
            ServerMessage::Assign(assignment) => {
                check_id(&assignment.assignment_id)?;
                check_id(&assignment.measurement_id)?;
                if assignment.targets.is_empty() || assignment.targets.len() > MAX_TARGETS {
                    return invalid(format!("an assignment has 1 to {MAX_TARGETS} targets"));
                }
                if assignment.measured.len() > MAX_TARGETS {
                    return invalid(format!("at most {MAX_TARGETS} targets are measured"));
                }
                let at = &["assign", "params"];
                assignment
                    .params
                    .check(at)
                    .and_then(|()| assignment.schedule.check(&["assign", "schedule"]))
                    .map_err(|error| ProtocolError::Invalid(error.to_string()))
            }
            ServerMessage::Cancel { assignment_id } => check_id(assignment_id),
            ServerMessage::Ack { keys } => {
                if keys.len() > MAX_ACK_KEYS {
                    return invalid(format!("an ack names at most {MAX_ACK_KEYS} keys"));
                }
                keys.iter().try_for_each(check_key)
            }
            ServerMessage::Reject { key, reason } => {
                check_key(key)?;
                check_text(reason, MAX_TEXT_LEN, "reason")
            }
            ServerMessage::Error { message } => check_text(message, MAX_TEXT_LEN, "message"),
        }
    }
}

fn invalid<T>(why: String) -> Result<T, ProtocolError> {
    Err(ProtocolError::Invalid(why))
}

fn check_text(text: &str, max: usize, what: &str) -> Result<(), ProtocolError> {
    if text.len() > max {
        return invalid(format!("{what} is over {max} bytes"));
    }
    Ok(())
}

fn check_id(id: &str) -> Result<(), ProtocolError> {
    let valid = (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c));
    if !valid {
        return invalid(format!(
            "an id is 1 to {MAX_ID_LEN} letters, digits, '-', '_', ':' or '.'"
        ));
    }
    Ok(())
}

fn check_key(key: &ResultKey) -> Result<(), ProtocolError> {
    check_id(&key.assignment_id)
}

#[cfg(test)]
mod tests;
