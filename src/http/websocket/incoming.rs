//! What a client sends, checked before async-graphql reads it: a message over the size
//! limit closes the socket with 1009, a subscription id already in use closes it with
//! 4409 (graphql-transport-ws), and a subscription over the per-connection cap is
//! answered with an error for its id while the socket stays open. Once the server has
//! sent its close frame, messages are read and dropped until the client's close
//! arrives: closing a socket with unread data would reset the connection, and the
//! client could lose the close frame and its reason.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::extract::ws::Message;
use bytes::Bytes;
use futures::{Stream, StreamExt};
use serde::Deserialize;
use tokio::sync::mpsc;

use super::close;

/// The parts of a client message that say which subscription it is about.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
}

/// What to do with one message from the client.
enum Admit {
    Pass(Bytes),
    Skip,
    End,
}

/// The subscriptions open on one socket, and the limits that apply to them.
pub struct Gate {
    legacy: bool,
    most_subscriptions: usize,
    max_message_bytes: usize,
    state: Mutex<GateState>,
    replies: mpsc::UnboundedSender<Message>,
}

#[derive(Default)]
struct GateState {
    active: HashSet<String>,
    /// The server sent (or is sending) its close frame.
    closing: bool,
}

impl Gate {
    /// A gate, and the receiver of the replies it makes to refused subscriptions.
    pub fn new(
        legacy: bool,
        most_subscriptions: usize,
        max_message_bytes: usize,
    ) -> (Arc<Gate>, mpsc::UnboundedReceiver<Message>) {
        let (replies, received) = mpsc::unbounded_channel();
        let gate = Gate {
            legacy,
            most_subscriptions,
            max_message_bytes,
            state: Mutex::default(),
            replies,
        };
        (Arc::new(gate), received)
    }

    /// The client's data messages that async-graphql should see, until one breaks a
    /// limit that ends the connection.
    pub fn admit<S>(self: &Arc<Self>, incoming: S) -> impl Stream<Item = Bytes> + use<S>
    where
        S: Stream<Item = Result<Message, axum::Error>>,
    {
        let gate = self.clone();
        incoming
            .map(move |message| gate.admit_one(message))
            .take_while(|admit| std::future::ready(!matches!(admit, Admit::End)))
            .filter_map(|admit| {
                std::future::ready(match admit {
                    Admit::Pass(bytes) => Some(bytes),
                    Admit::Skip | Admit::End => None,
                })
            })
    }

    /// From now on, the client's messages are only read until its close frame.
    pub fn closing(&self) {
        self.lock().closing = true;
    }

    /// Ends the connection with a close frame, sent before anything else queued.
    fn close_with(&self, state: &mut GateState, code: u16, reason: &str) {
        state.closing = true;
        let _ = self.replies.send(close(code, reason));
    }

    /// Notes what the server sends: a `complete` ends a subscription.
    pub fn sent(&self, text: &str) {
        if !text.starts_with(r#"{"type":"complete""#) {
            return;
        }
        if let Ok(Envelope { id: Some(id), .. }) = serde_json::from_str(text) {
            self.lock().active.remove(&id);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn admit_one(&self, message: Result<Message, axum::Error>) -> Admit {
        let mut state = self.lock();
        if state.closing {
            return match message {
                Ok(Message::Close(_)) | Err(_) => Admit::End,
                Ok(_) => Admit::Skip,
            };
        }
        let bytes = match message {
            Ok(message @ (Message::Text(_) | Message::Binary(_))) => message.into_data(),
            Ok(_) => return Admit::Skip,
            Err(error) => {
                if too_long(error) {
                    let reason = format!(
                        "a message was larger than {} bytes, the most accepted",
                        self.max_message_bytes
                    );
                    self.close_with(&mut state, 1009, &reason);
                }
                // Nothing after a failed read can be framed.
                return Admit::End;
            }
        };
        // Anything that is not an envelope is async-graphql's to refuse (4400).
        let Ok(Envelope { kind, id: Some(id) }) = serde_json::from_slice::<Envelope>(&bytes) else {
            return Admit::Pass(bytes);
        };
        match kind.as_str() {
            "subscribe" | "start" if state.active.contains(&id) => {
                // The legacy protocol replaces the operation, as its servers do.
                if self.legacy {
                    return Admit::Pass(bytes);
                }
                let reason = format!("Subscriber for {id} already exists");
                self.close_with(&mut state, 4409, &reason);
                Admit::Skip
            }
            "subscribe" | "start" if state.active.len() >= self.most_subscriptions => {
                let _ = self.replies.send(self.too_many(&id));
                Admit::Skip
            }
            "subscribe" | "start" => {
                state.active.insert(id);
                Admit::Pass(bytes)
            }
            "complete" | "stop" => {
                state.active.remove(&id);
                Admit::Pass(bytes)
            }
            _ => Admit::Pass(bytes),
        }
    }

    /// The protocol's error message for a subscription refused for being one too many.
    fn too_many(&self, id: &str) -> Message {
        let message = format!(
            "this connection already has {} subscriptions, the most allowed: complete one first",
            self.most_subscriptions
        );
        let payload = if self.legacy {
            serde_json::json!({ "message": message })
        } else {
            serde_json::json!([{ "message": message, "extensions": { "code": "TOO_MANY_SUBSCRIPTIONS" } }])
        };
        let reply = serde_json::json!({ "id": id, "type": "error", "payload": payload });
        Message::Text(reply.to_string().into())
    }
}

/// Whether a read failed because the message was over the size limit.
fn too_long(error: axum::Error) -> bool {
    matches!(
        error.into_inner().downcast_ref::<tungstenite::Error>(),
        Some(tungstenite::Error::Capacity(_))
    )
}
