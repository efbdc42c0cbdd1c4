//! A minimal GraphQL websocket client for tests, speaking either subprotocol.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub const TRANSPORT_WS: &str = "graphql-transport-ws";
pub const LEGACY_WS: &str = "graphql-ws";

/// How long a test waits for an event it caused.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn connect(url: &str, protocol: &str) -> Socket {
    let mut request = url.into_client_request().expect("a websocket request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_str(protocol).expect("header"),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket connects");
    assert_eq!(response.headers()["sec-websocket-protocol"], protocol);
    socket
}

/// The next JSON message, skipping server pings and keep-alives.
pub async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let value = next_any(socket).await;
        if value["type"] != "ping" && value["type"] != "ka" {
            return value;
        }
    }
}

/// The next JSON message, pings included; a close frame as `{"type": "close", "code": …}`.
pub async fn next_any(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(EVENT_TIMEOUT, socket.next())
            .await
            .expect("a message in time")
            .expect("the socket is open")
            .expect("a valid frame");
        match message {
            Message::Text(text) => return serde_json::from_str(&text).expect("JSON"),
            Message::Close(frame) => {
                return json!({
                    "type": "close",
                    "code": frame.as_ref().map(|f| u16::from(f.code)),
                    "reason": frame.as_ref().map(|f| f.reason.to_string()),
                });
            }
            _ => continue,
        }
    }
}

pub async fn send(socket: &mut Socket, value: Value) {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .expect("send");
}

/// Starts operation `id` on an open socket, in the socket's protocol.
pub async fn start(socket: &mut Socket, protocol: &str, id: &str, query: &str, variables: Value) {
    let start = if protocol == TRANSPORT_WS {
        "subscribe"
    } else {
        "start"
    };
    send(
        socket,
        json!({ "id": id, "type": start, "payload": { "query": query, "variables": variables } }),
    )
    .await;
}

/// Every message up to and including the close frame.
pub async fn until_close(socket: &mut Socket) -> Vec<Value> {
    let mut messages = Vec::new();
    loop {
        let message = next_any(socket).await;
        let closed = message["type"] == "close";
        messages.push(message);
        if closed {
            return messages;
        }
    }
}

/// Connects, authenticates, and starts one subscription; returns the socket once the
/// server acknowledged the connection.
pub async fn subscribe(
    url: &str,
    protocol: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Socket {
    let mut socket = connect(url, protocol).await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    let ack = next_json(&mut socket).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    start(&mut socket, protocol, "1", query, variables).await;
    socket
}

/// The payload of the next data message.
pub async fn next_payload(socket: &mut Socket) -> Value {
    let message = next_json(socket).await;
    assert!(
        message["type"] == "next" || message["type"] == "data",
        "not a data message: {message}"
    );
    message["payload"].clone()
}
