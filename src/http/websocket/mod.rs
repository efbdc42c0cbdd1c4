//! GraphQL subscriptions over websocket, in both subprotocols: `graphql-transport-ws`
//! (graphql-ws) and the legacy `graphql-ws` (subscriptions-transport-ws).
//!
//! async-graphql runs the protocol; this module adds what it leaves out: the caller's
//! access, checked at `connection_init`, for every operation, and again whenever it
//! changes ([`access`]); limits on what a client sends ([`incoming`]); server pings
//! (`ping` / `ka`) so proxies and dead peers are noticed; the close codes the
//! graphql-transport-ws spec names; and a clean close when the server shuts down.

mod access;
mod incoming;

use std::str::FromStr;
use std::time::Duration;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols, WsMessage};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use super::RouterState;
use super::graphql::extract;
use crate::graphql::context::ClientAddress;
use access::Access;
use incoming::Gate;

/// Read buffer, and batch size before a write, of each websocket.
const SOCKET_BUFFER_BYTES: usize = 16 * 1024;
/// A graphql-transport-ws client that missed this many pings (no pong, nothing) is gone.
const MISSED_PINGS: u32 = 3;
/// Prefix of handshake refusals, so their close frame can carry the spec's 4403.
const FORBIDDEN: &str = "Forbidden: ";
/// How long a closing socket waits for the client's close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Upgrades `GET /graphql` to a subscription socket.
pub async fn upgrade(state: &RouterState, parts: &mut axum::http::request::Parts) -> Response {
    // The first subprotocol the client offers that async-graphql speaks; none is a 400,
    // as async-graphql-axum answers.
    let Some(protocol) = parts
        .headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|value| {
            value
                .split(',')
                .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
        })
    else {
        return axum::http::StatusCode::BAD_REQUEST.into_response();
    };
    let upgrade: WebSocketUpgrade = match extract(parts, state).await {
        Ok(upgrade) => upgrade,
        Err(response) => return response,
    };
    let legacy = matches!(protocol, WebSocketProtocols::SubscriptionsTransportWS);
    let header_token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let client = ClientAddress(
        parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip()),
    );
    let state = state.clone();
    let websockets = state.app.websockets.clone();
    let max_message = state.app.settings.limits.max_body_bytes;
    // Small buffers: a log viewer's socket carries short messages, and a thousand idle
    // viewers should not hold a thousand 128 KiB read buffers (tungstenite's default).
    upgrade
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(SOCKET_BUFFER_BYTES)
        .max_message_size(max_message)
        .max_frame_size(max_message)
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            websockets.track_future(serve(socket, state, protocol, legacy, header_token, client))
        })
        .into_response()
}

/// Runs one connection in one task: the protocol's messages, pings, access re-checks
/// and the shutdown close all go out from here, so a message costs no hand-over to a
/// writer task.
async fn serve(
    socket: WebSocket,
    state: RouterState,
    protocol: WebSocketProtocols,
    legacy: bool,
    header_token: Option<String>,
    client: ClientAddress,
) {
    state.app.metrics.websocket_connections.inc();
    let (mut sink, incoming) = socket.split();
    let limits = &state.app.settings.limits;
    let (gate, replies) = Gate::new(
        legacy,
        limits.websocket_subscriptions_per_connection,
        limits.max_body_bytes,
    );
    let incoming = gate.admit(incoming);
    let ping_interval = Duration::from_secs(state.app.settings.websocket_ping_seconds.max(1));
    let access = Access::default();
    let watch = Watch {
        state: state.clone(),
        legacy,
        ping_interval,
        access: access.clone(),
        gate,
        replies,
    };
    let init_state = state.clone();
    let connection = async_graphql::http::WebSocket::new(state.schema.clone(), incoming, protocol)
        .on_connection_init(move |payload| async move {
            let token = token_from_payload(&payload).or(header_token);
            access.accept(&init_state, token, client).await
        });
    let connection = if legacy {
        connection
    } else {
        connection.keepalive_timeout(ping_interval * MISSED_PINGS)
    };
    let outgoing = connection
        .map(|message| match message {
            WsMessage::Text(text) => Message::Text(text.into()),
            WsMessage::Close(code, reason) => close(code, &reason),
        })
        .peekable();
    send_all(&mut sink, outgoing, watch).await;
    state.app.metrics.websocket_connections.dec();
}

/// The token from a `connection_init` payload: `{"Authorization": "Bearer …"}`, in any
/// letter case, as graphql-ws clients send their `connectionParams`.
fn token_from_payload(payload: &serde_json::Value) -> Option<String> {
    payload
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, value)| value.as_str())
        .map(str::to_string)
}

/// What the writer needs to keep a connection honest.
struct Watch {
    state: RouterState,
    legacy: bool,
    ping_interval: Duration,
    access: Access,
    gate: std::sync::Arc<Gate>,
    /// The gate's answers to subscriptions it refused.
    replies: tokio::sync::mpsc::UnboundedReceiver<Message>,
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.chars().take(120).collect::<String>().into(),
    }))
}

/// Sends what the protocol produces, pings and re-checks the caller's access while
/// connected, and closes on shutdown. Once it has sent a close frame of its own
/// (shutdown, a revoked token, a broken limit), it reads and drops what the client
/// still sends until the client's close, for at most [`CLOSE_WAIT`].
async fn send_all(
    sink: &mut futures::stream::SplitSink<WebSocket, Message>,
    outgoing: futures::stream::Peekable<impl futures::Stream<Item = Message>>,
    mut watch: Watch,
) {
    let interval = watch.ping_interval;
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    let shutdown = watch.state.app.runner.shutdown_token();
    let mut changes = watch.state.app.auth.live().changes();
    let mut acknowledged = false;
    let mut pending: std::collections::VecDeque<Message> = Default::default();
    tokio::pin!(outgoing);
    loop {
        let message = match pending.pop_front() {
            Some(message) => message,
            None => tokio::select! {
                message = outgoing.next() => match message {
                    Some(message) => message,
                    // The client's messages ended; a limit it broke may have queued
                    // the close frame that says why.
                    None => match watch.replies.try_recv() {
                        Ok(reply) => reply,
                        Err(_) => break,
                    },
                },
                Some(reply) = watch.replies.recv() => reply,
                change = changes.recv(), if acknowledged => {
                    let concerned = match change {
                        Ok(user_id) => watch.access.is_for(&user_id),
                        Err(RecvError::Lagged(_)) => true,
                        Err(RecvError::Closed) => false,
                    };
                    if concerned && let Some(refusal) = watch.access.recheck(&watch.state).await {
                        pending.extend(refusal.messages(watch.legacy));
                    }
                    continue;
                }
                _ = ping.tick() => {
                    if !acknowledged {
                        continue;
                    }
                    match watch.access.recheck(&watch.state).await {
                        Some(refusal) => {
                            pending.extend(refusal.messages(watch.legacy));
                            continue;
                        }
                        None if watch.legacy => Message::Text(r#"{"type":"ka"}"#.into()),
                        None => Message::Text(r#"{"type":"ping"}"#.into()),
                    }
                }
                _ = shutdown.cancelled() => close(1001, "the server is shutting down"),
            },
        };
        if let Message::Text(text) = &message {
            if !acknowledged && text.contains("connection_ack") {
                acknowledged = true;
            }
            watch.gate.sent(text);
        }
        let message = spec_close_code(message, watch.legacy);
        let closing = matches!(message, Message::Close(_));
        if sink.feed(message).await.is_err() {
            break;
        }
        // Messages already produced go out in one write: a busy log stream costs one
        // syscall per batch, not per line. The peek polls with this task's own waker:
        // with any other (`now_or_never`'s no-op one), the protocol's keepalive timer
        // re-registers with its reactor thread, waking it twice per message.
        let more_ready = !closing
            && (!pending.is_empty()
                || std::future::poll_fn(|cx| {
                    std::task::Poll::Ready(matches!(
                        outgoing.as_mut().poll_peek(cx),
                        std::task::Poll::Ready(Some(_))
                    ))
                })
                .await);
        if !more_ready && sink.flush().await.is_err() {
            break;
        }
        if closing {
            watch.gate.closing();
            let _ = tokio::time::timeout(CLOSE_WAIT, async {
                while outgoing.next().await.is_some() {}
            })
            .await;
            break;
        }
    }
}

/// Maps async-graphql's generic close codes to the ones graphql-transport-ws defines:
/// 4403 for a refused `connection_init`, 4401 for a subscribe before the handshake,
/// 4400 for a malformed message.
fn spec_close_code(message: Message, legacy: bool) -> Message {
    let Message::Close(Some(frame)) = &message else {
        return message;
    };
    if legacy {
        return message;
    }
    let code = match frame.code {
        1002 if frame.reason.starts_with(FORBIDDEN) => 4403,
        1002 => 4400,
        1011 => 4401,
        other => other,
    };
    let reason = frame
        .reason
        .trim_start_matches(FORBIDDEN)
        .chars()
        .take(120)
        .collect::<String>();
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}
