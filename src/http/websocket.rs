//! GraphQL subscriptions over websocket, in both subprotocols: `graphql-transport-ws`
//! (graphql-ws) and the legacy `graphql-ws` (subscriptions-transport-ws).
//!
//! async-graphql runs the protocol; this module adds what it leaves out: authentication
//! from `connection_init`, server pings (`ping` / `ka`) so proxies and dead peers are
//! noticed, a fresh check of the token at every ping (a revoked or expired token ends
//! the subscriptions it opened), the close codes the graphql-transport-ws spec names,
//! and a clean close when the server shuts down.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::Data;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols, WsMessage};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};

use super::RouterState;
use super::graphql::{authenticate, extract};
use crate::auth::Authentication;
use crate::graphql::context::ClientAddress;

/// Read buffer, and batch size before a write, of each websocket.
const SOCKET_BUFFER_BYTES: usize = 16 * 1024;
/// A graphql-transport-ws client that missed this many pings (no pong, nothing) is gone.
const MISSED_PINGS: u32 = 3;
/// Prefix of handshake refusals, so their close frame can carry the spec's 4403.
const FORBIDDEN: &str = "Forbidden: ";

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

/// Runs one connection in one task: the protocol's messages, pings, token re-checks
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
    let incoming = incoming
        .take_while(|message| std::future::ready(message.is_ok()))
        .filter_map(|message| {
            std::future::ready(match message {
                Ok(message @ (Message::Text(_) | Message::Binary(_))) => Some(message.into_data()),
                _ => None,
            })
        });
    let ping_interval = Duration::from_secs(state.app.settings.websocket_ping_seconds.max(1));
    let accepted_token = Arc::new(Mutex::new(None::<String>));
    let watch = Watch {
        state: state.clone(),
        legacy,
        ping_interval,
        accepted_token: accepted_token.clone(),
    };
    let init_state = state.clone();
    let connection = async_graphql::http::WebSocket::new(state.schema.clone(), incoming, protocol)
        .on_connection_init(move |payload| async move {
            let token = token_from_payload(&payload).or(header_token);
            let authentication = authenticate(&init_state, token.as_deref()).await;
            if let Err(error) =
                crate::graphql::context::require(Some(&authentication), crate::users::Role::Viewer)
            {
                return Err(async_graphql::Error::new(format!("{FORBIDDEN}{error}")));
            }
            if let Ok(mut slot) = accepted_token.lock() {
                *slot = token;
            }
            let mut data = Data::default();
            data.insert::<Authentication>(authentication);
            data.insert(client);
            Ok(data)
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
    /// The token the handshake accepted, checked again at every ping.
    accepted_token: Arc<Mutex<Option<String>>>,
}

impl Watch {
    /// The close frame to send if the accepted token no longer authenticates.
    async fn recheck(&self) -> Option<Message> {
        let token = self.accepted_token.lock().ok()?.clone()?;
        match authenticate(&self.state, Some(&token)).await {
            Authentication::Rejected(reason) => Some(close(4403, reason)),
            _ => None,
        }
    }
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.chars().take(120).collect::<String>().into(),
    }))
}

/// Sends what the protocol produces, pings and re-checks the token while connected,
/// and closes on shutdown. The connection ends when it sends a close of its own
/// (shutdown, a revoked token): the peer's reply is not worth waiting for.
async fn send_all(
    sink: &mut futures::stream::SplitSink<WebSocket, Message>,
    outgoing: futures::stream::Peekable<impl futures::Stream<Item = Message>>,
    watch: Watch,
) {
    let interval = watch.ping_interval;
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    let shutdown = watch.state.app.runner.shutdown_token();
    let mut acknowledged = false;
    tokio::pin!(outgoing);
    loop {
        let message = tokio::select! {
            message = outgoing.next() => match message {
                Some(message) => message,
                None => break,
            },
            _ = ping.tick() => {
                if !acknowledged {
                    continue;
                }
                match watch.recheck().await {
                    Some(refusal) => refusal,
                    None if watch.legacy => Message::Text(r#"{"type":"ka"}"#.into()),
                    None => Message::Text(r#"{"type":"ping"}"#.into()),
                }
            }
            _ = shutdown.cancelled() => close(1001, "the server is shutting down"),
        };
        if !acknowledged
            && let Message::Text(text) = &message
            && text.contains("connection_ack")
        {
            acknowledged = true;
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
            && std::future::poll_fn(|cx| {
                std::task::Poll::Ready(matches!(
                    outgoing.as_mut().poll_peek(cx),
                    std::task::Poll::Ready(Some(_))
                ))
            })
            .await;
        if !more_ready && sink.flush().await.is_err() {
            break;
        }
        if closing {
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
