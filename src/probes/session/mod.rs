//! `/probes/connect`: one websocket per probe. The token is checked in the handshake (a
//! bad or revoked one is refused there with 401); then `hello`, the clock exchange,
//! and from the probe's `clockOffset` on it counts as connected: it is sent what it
//! should hold ([`crate::probes::measurements`]'s dispatch) and its results are checked,
//! stored once and acknowledged.
//!
//! A message that is malformed, oversized or out of bounds, and a result the probe
//! cannot have (see [`crate::probes::results`]), is refused, logged and counted in
//! `/metrics`; the connection survives a few ([`Strikes`]), not a flood.

mod in_flight;
mod services;
mod strikes;

use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use crate::probes::live::{Connected, OUTBOX};
use crate::probes::protocol::{
    MAX_MESSAGE_BYTES, PROTOCOL_VERSION, ProbeMessage, ServerMessage, Wire,
};
use crate::probes::registry::{Hello, Probe};
use crate::state::AppState;
use in_flight::InFlight;
use services::Services;
use strikes::Strikes;

/// How long a probe has for `hello` after the handshake.
const HELLO_TIMEOUT: Duration = Duration::from_secs(15);
/// A probe pings every 20 s; one silent this long is gone.
const SILENCE: Duration = Duration::from_secs(90);
/// Frames past this end the connection outright; below it, an oversized message is
/// refused and counted like any bad message.
const MAX_FRAME_BYTES: usize = 4 * MAX_MESSAGE_BYTES;
/// Small buffers: a thousand idle probes should not hold a thousand 128 KiB buffers.
/// The read buffer is allocated whole for each connection (4 KiB less a probe than at
/// 8 KiB); a larger message still arrives, in more reads.
const SOCKET_BUFFER_BYTES: usize = 4 * 1024;

/// Close codes (RFC 6455 and the private range).
const POLICY_VIOLATION: u16 = 1008;
const INTERNAL_ERROR: u16 = 1011;
const GOING_AWAY: u16 = 1001;
const CUT_OFF: u16 = 4001;

/// Checks the probe's token, then upgrades.
pub async fn connect(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    let probe = match token {
        None => None,
        Some(token) => match state.probes.authenticate(token).await {
            Ok(probe) => probe,
            Err(error) => {
                tracing::warn!(%error, "cannot check a probe's token");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "cannot check the token now",
                )
                    .into_response();
            }
        },
    };
    let Some(probe) = probe else {
        state.metrics.probe_handshakes_refused.inc();
        return (
            StatusCode::UNAUTHORIZED,
            "a probe connects with `Authorization: Bearer <probe token>`; this token is unknown or revoked",
        )
            .into_response();
    };
    let websockets = state.websockets.clone();
    let services = Services::from(&state);
    upgrade
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(SOCKET_BUFFER_BYTES)
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| websockets.track_future(serve(services, probe, socket)))
        .into_response()
}

type Sink = SplitSink<WebSocket, Message>;

async fn serve(state: Services, probe: Probe, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    // This task lives as long as the probe stays connected and is as large as the
    // largest state any of its awaits holds, which a store call's would set at several
    // times what waiting needs: each store call is boxed, held only while it runs.
    let capacity = match Box::pin(hello(&state, &probe, &mut sink, &mut stream)).await {
        Ok(capacity) => capacity,
        Err((code, reason)) => {
            tracing::info!(probe = %probe.name, %reason, "refused a probe's session");
            let _ = sink.send(close(code, &reason)).await;
            return;
        }
    };
    state.metrics.probe_connections.inc();
    let (outbox, outgoing) = mpsc::channel(OUTBOX);
    let connected = Connected::new(probe.id.to_string(), capacity, outbox);
    let session = Session {
        state: &state,
        probe: &probe,
        connected: connected.clone(),
        joined: false,
        strikes: Strikes::default(),
        claims: Default::default(),
    };
    let (code, reason) = session.run(&mut sink, &mut stream, outgoing).await;
    tracing::info!(probe = %probe.name, %reason, "a probe's session ended");
    let _ = sink.send(close(code, &reason)).await;
    state.probes.live().leave(&connected);
    Box::pin(state.probes.gone(&probe.id)).await;
    state.metrics.probe_connections.dec();
}

/// Reads `hello`, records it and answers `welcome`; the probe's capacity, or why not.
async fn hello(
    state: &Services,
    probe: &Probe,
    sink: &mut Sink,
    stream: &mut SplitStream<WebSocket>,
) -> Result<u32, (u16, String)> {
    let first = tokio::time::timeout(HELLO_TIMEOUT, stream.next())
        .await
        .map_err(|_| (POLICY_VIOLATION, "no hello in time".to_string()))?;
    let Some(Ok(Message::Text(text))) = first else {
        return Err((POLICY_VIOLATION, "the first message must be hello".into()));
    };
    let (version, capacity) = match ProbeMessage::decode(text.as_str()) {
        Ok(ProbeMessage::Hello {
            protocol: PROTOCOL_VERSION,
            version,
            capacity,
            ..
        }) => (version, capacity),
        Ok(ProbeMessage::Hello { protocol, .. }) => {
            let message = format!(
                "this server speaks probe protocol {PROTOCOL_VERSION}, not {protocol}: upgrade the probe"
            );
            let _ = sink
                .send(text_of(&ServerMessage::Error {
                    message: message.clone(),
                }))
                .await;
            return Err((POLICY_VIOLATION, message));
        }
        Ok(_) => return Err((POLICY_VIOLATION, "the first message must be hello".into())),
        Err(error) => {
            state.metrics.rejected_probe_message("malformed");
            return Err((POLICY_VIOLATION, error.to_string()));
        }
    };
    let recorded = Hello {
        software_version: version,
        capacity: i64::from(capacity),
        last_seen_at: Utc::now(),
    };
    if let Err(error) = state.probes.hello(&probe.id, recorded).await {
        tracing::warn!(probe = %probe.name, %error, "cannot record a probe's hello");
        return Err((INTERNAL_ERROR, "cannot record the probe now".into()));
    }
    let welcome = ServerMessage::Welcome {
        protocol: PROTOCOL_VERSION,
        probe_id: probe.id.to_string(),
        server_time: Utc::now(),
    };
    sink.send(text_of(&welcome))
        .await
        .map_err(|_| (GOING_AWAY, "the probe went away".to_string()))?;
    Ok(capacity)
}

struct Session<'a> {
    state: &'a Services,
    probe: &'a Probe,
    connected: std::sync::Arc<Connected>,
    /// Whether the probe finished its clock exchange and counts as connected.
    joined: bool,
    strikes: Strikes,
    /// Assignments its results named, as checked (`None`: no such assignment).
    claims: std::collections::HashMap<String, Option<crate::probes::results::Claim>>,
}

impl Session<'_> {
    /// Serves until either side stops; the close code and reason to send.
    async fn run(
        mut self,
        sink: &mut Sink,
        stream: &mut SplitStream<WebSocket>,
        outgoing: mpsc::Receiver<Box<ServerMessage>>,
    ) -> (u16, String) {
        let mut in_flight = InFlight::default();
        let end = self.exchange(sink, stream, outgoing, &mut in_flight).await;
        // What was handed to the store is written whatever ended the session, and what
        // follows a stored result must run; acknowledged now, it is not sent again.
        let keys = in_flight.settle(&self.state.results).await;
        if !keys.is_empty() {
            let _ = self.acknowledge(Ok(keys), sink).await;
        }
        end
    }

    /// The message loop: reads, answers and stores until either side stops.
    async fn exchange(
        &mut self,
        sink: &mut Sink,
        stream: &mut SplitStream<WebSocket>,
        mut outgoing: mpsc::Receiver<Box<ServerMessage>>,
        in_flight: &mut InFlight,
    ) -> (u16, String) {
        let shutdown = self.state.runner.shutdown_token();
        let cut = self.connected.cut.clone();
        let earning = &self.state.settings.probes;
        let period = Duration::from_secs(earning.earning_seconds.max(1));
        let mut periods = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        let results = self.state.results.clone();
        loop {
            // In this order: results read are handed to the store only once nothing
            // more is ready to read, so those read in a row go as one group.
            let frame = tokio::select! {
                biased;
                _ = periods.tick() => {
                    self.pay_the_owner().await;
                    continue;
                }
                () = shutdown.cancelled() => return (GOING_AWAY, "monitor is shutting down".into()),
                () = cut.cancelled() => {
                    return (CUT_OFF, "this probe was revoked, deleted or connected again".into())
                }
                Some(message) = outgoing.recv() => {
                    if sink.send(text_of(&message)).await.is_err() {
                        return (GOING_AWAY, "the probe went away".into());
                    }
                    continue;
                }
                // Full: the next message waits until a result under way is stored.
                frame = tokio::time::timeout(SILENCE, stream.next()), if in_flight.has_room() => frame,
                stored = in_flight.stored(&results), if !in_flight.is_empty() => {
                    if let Err(end) = self.acknowledge(stored, sink).await {
                        return end;
                    }
                    continue;
                }
            };
            let text = match frame {
                Err(_) => return (GOING_AWAY, format!("silent for {SILENCE:?}")),
                Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => {
                    return (GOING_AWAY, "the probe closed the connection".into());
                }
                Ok(Some(Ok(Message::Text(text)))) => text,
                Ok(Some(Ok(Message::Binary(_)))) => {
                    let refused = self
                        .refuse("binary", "messages are JSON text".into(), sink)
                        .await;
                    if let Some(end) = refused {
                        return end;
                    }
                    continue;
                }
                Ok(Some(Ok(_))) => continue,
            };
            let message = match ProbeMessage::decode(text.as_str()) {
                Ok(message) => message,
                Err(error) => {
                    let reason = match error {
                        crate::probes::protocol::ProtocolError::TooLarge { .. } => "oversized",
                        _ => "malformed",
                    };
                    if let Some(end) = self.refuse(reason, error.to_string(), sink).await {
                        return end;
                    }
                    continue;
                }
            };
            // Boxed: what handling a message needs is held only while it is handled, so
            // an idle session's state is only what waiting needs.
            if let Err(end) = Box::pin(self.handle(message, sink, in_flight)).await {
                return end;
            }
        }
    }

    /// Answers a message; `Err` with the close code and reason ends the session.
    async fn handle(
        &mut self,
        message: ProbeMessage,
        sink: &mut Sink,
        in_flight: &mut InFlight,
    ) -> Result<(), (u16, String)> {
        let received = Utc::now();
        let probe_id = self.probe.id.to_string();
        match message {
            ProbeMessage::TimeRequest { probe_sent } => {
                let reply = ServerMessage::TimeReply {
                    probe_sent,
                    server_received: received,
                    server_sent: Utc::now(),
                };
                self.send(sink, &reply).await?;
            }
            ProbeMessage::ClockOffset { offset_micros, .. } => {
                if let Err(error) = self.state.probes.clock(&probe_id, offset_micros).await {
                    tracing::warn!(probe = %self.probe.name, %error, "cannot record a probe's clock offset");
                }
                if !self.joined {
                    self.joined = true;
                    self.state.probes.live().join(self.connected.clone());
                    self.state.measurements.fill(&probe_id).await;
                }
            }
            ProbeMessage::Accepted { assignment_id } => {
                self.stored(
                    self.state
                        .measurements
                        .accepted(&probe_id, &assignment_id)
                        .await,
                )?;
                self.state.probes.changed(&probe_id);
            }
            ProbeMessage::Refused {
                assignment_id,
                reason,
            } => {
                self.stored(
                    self.state
                        .measurements
                        .refused(&probe_id, &assignment_id, reason)
                        .await,
                )?;
            }
            ProbeMessage::Result(result) => self.result(*result, sink, in_flight).await?,
            ProbeMessage::Status { .. } => self.state.probes.changed(&probe_id),
            ProbeMessage::Hello { .. } => {
                if let Some(end) = self
                    .refuse("unexpected", "hello comes once, first".into(), sink)
                    .await
                {
                    return Err(end);
                }
            }
        }
        Ok(())
    }

    /// Checks a result and takes it to be stored (acknowledged once stored, see
    /// [`Session::acknowledge`]), or rejects it.
    async fn result(
        &mut self,
        result: crate::probes::protocol::ResultMessage,
        sink: &mut Sink,
        in_flight: &mut InFlight,
    ) -> Result<(), (u16, String)> {
        let assignment_id = result.key.assignment_id.clone();
        if !self.claims.contains_key(&assignment_id) {
            let claim = self.stored(self.state.results.claim(&assignment_id).await)?;
            self.claims.insert(assignment_id.clone(), claim);
        }
        let claim = self.claims.get(&assignment_id).and_then(Option::as_ref);
        match self.state.results.check(&self.probe.id, claim, &result) {
            Ok(row) => {
                in_flight.take(result.key, row);
                Ok(())
            }
            Err(reason) => {
                tracing::warn!(probe = %self.probe.name, key = %result.key, %reason, "rejected a probe's result");
                self.state.metrics.rejected_probe_message("result");
                let reject = ServerMessage::Reject {
                    key: result.key,
                    reason,
                };
                self.send(sink, &reject).await?;
                match self.strikes.strike() {
                    true => Err((POLICY_VIOLATION, "too many bad messages".into())),
                    false => Ok(()),
                }
            }
        }
    }

    /// Acknowledges in one message the results stored together.
    async fn acknowledge(
        &self,
        stored: crate::error::Result<Vec<crate::probes::protocol::ResultKey>>,
        sink: &mut Sink,
    ) -> Result<(), (u16, String)> {
        let keys = self.stored(stored)?;
        self.state
            .metrics
            .probe_results_stored
            .inc_by(keys.len() as u64);
        self.send(sink, &ServerMessage::Ack { keys }).await
    }

    /// Pays the probe's owner for a period connected.
    async fn pay_the_owner(&self) {
        // Boxed, as every store call an idle session makes (see `serve`).
        let credits = &self.state.credits;
        let earned = credits.earn(
            &self.probe.owner_id,
            self.state.settings.probes.earned_credits,
            &self.probe.id,
        );
        if let Err(error) = Box::pin(earned).await {
            tracing::warn!(probe = %self.probe.name, %error, "cannot pay a probe's owner for its time connected");
        }
    }

    /// Counts and answers a message that cannot be taken; `Some` ends the session (a
    /// flood of them).
    async fn refuse(
        &mut self,
        reason: &'static str,
        detail: String,
        sink: &mut Sink,
    ) -> Option<(u16, String)> {
        tracing::warn!(probe = %self.probe.name, reason, %detail, "refused a probe's message");
        self.state.metrics.rejected_probe_message(reason);
        let error = ServerMessage::Error {
            message: truncate(detail),
        };
        if let Err(end) = self.send(sink, &error).await {
            return Some(end);
        }
        self.strikes
            .strike()
            .then(|| (POLICY_VIOLATION, "too many bad messages".to_string()))
    }

    async fn send(&self, sink: &mut Sink, message: &ServerMessage) -> Result<(), (u16, String)> {
        sink.send(text_of(message))
            .await
            .map_err(|_| (GOING_AWAY, "the probe went away".to_string()))
    }

    /// A store call's outcome; a failed store ends the session, so the probe
    /// reconnects (with backoff) and sends its spooled results again.
    fn stored<T>(&self, outcome: crate::error::Result<T>) -> Result<T, (u16, String)> {
        outcome.map_err(|error| {
            tracing::error!(probe = %self.probe.name, error = %format!("{error:#}"), "cannot store what a probe sent");
            (
                INTERNAL_ERROR,
                "the store cannot take results now".to_string(),
            )
        })
    }
}

fn text_of(message: &ServerMessage) -> Message {
    Message::Text(message.encode().into())
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: truncate(reason.to_string())
            .chars()
            .take(100)
            .collect::<String>()
            .into(),
    }))
}

/// Keeps an error message within the protocol's bound for text.
fn truncate(mut text: String) -> String {
    let max = crate::probes::protocol::MAX_TEXT_LEN;
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size of the future `f` returns: what a task running it holds for its life.
    fn future_size<A, B, C, F: Future>(_: impl FnOnce(A, B, C) -> F) -> usize {
        std::mem::size_of::<F>()
    }

    #[test]
    fn a_connected_probes_task_holds_neither_the_whole_state_nor_a_store_call() {
        // Unoptimised, where futures are largest: 9,256 bytes with the whole state held
        // twice and the store calls of `hello` and `gone` inline, 2,920 without.
        let size = future_size(serve);
        assert!(size <= 4096, "a session's task is {size} bytes");
    }
}
