//! One connection to the server: the handshake with the probe's token, `hello`, the
//! clock exchange, then assignments in and results out until either side stops.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::Utc;
use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;

use super::clock::Sample;
use super::runner::Runner;
use super::spool::Spool;
use crate::probes::protocol::{
    MAX_MESSAGE_BYTES, PROTOCOL_VERSION, ProbeMessage, ResultKey, ServerMessage, Wire,
};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long the server has to answer the handshake, `hello` and each clock request.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);
/// Clock exchanges per connection.
const CLOCK_SAMPLES: usize = 4;
/// Results sent and not yet acknowledged, at most.
const WINDOW: usize = 256;
/// The probe pings this often, and gives up on a server silent for three times as long.
const KEEPALIVE: Duration = Duration::from_secs(20);

/// What a session needs from the probe.
pub struct Probe {
    pub url: String,
    pub token: String,
    pub capacity: u32,
    pub runner: Arc<Runner>,
    pub spool: Arc<Spool>,
}

/// Connects and serves until `stop` or the connection ends; `welcomed` is called once
/// the server has taken the probe in (so the caller can reset its backoff).
pub async fn serve(
    probe: &Probe,
    stop: &CancellationToken,
    welcomed: impl FnOnce(),
) -> anyhow::Result<()> {
    let mut socket = connect(probe).await?;
    send(
        &mut socket,
        &ProbeMessage::Hello {
            protocol: PROTOCOL_VERSION,
            version: env!("CARGO_PKG_VERSION").into(),
            capacity: probe.capacity,
            probe_time: Utc::now(),
            spooled: probe.spool.len(),
        },
    )
    .await?;
    match receive(&mut socket).await? {
        ServerMessage::Welcome { probe_id, .. } => {
            tracing::info!(%probe_id, "connected to monitor");
        }
        ServerMessage::Error { message } => bail!("the server refused this probe: {message}"),
        other => bail!("the server answered hello with {other:?}"),
    }
    welcomed();
    let offset = measure_clock(&mut socket).await?;
    probe.runner.set_offset(offset.offset_micros);
    send(
        &mut socket,
        &ProbeMessage::ClockOffset {
            offset_micros: offset.offset_micros,
            delay_micros: offset.delay_micros,
        },
    )
    .await?;
    Session {
        probe,
        socket,
        in_flight: HashSet::new(),
    }
    .run(stop)
    .await
}

async fn connect(probe: &Probe) -> anyhow::Result<Socket> {
    let mut request = probe
        .url
        .as_str()
        .into_client_request()
        .context("the server URL is not a websocket URL")?;
    let bearer = format!("Bearer {}", probe.token)
        .parse()
        .context("the token holds characters a header cannot")?;
    request
        .headers_mut()
        .insert(http::header::AUTHORIZATION, bearer);
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES));
    let connecting = tokio_tungstenite::connect_async_tls_with_config(
        request,
        Some(config),
        true,
        Some(Connector::Rustls(tls_config()?)),
    );
    match tokio::time::timeout(ANSWER_TIMEOUT, connecting).await {
        Err(_) => bail!("{} did not answer within {ANSWER_TIMEOUT:?}", probe.url),
        Ok(Err(tungstenite::Error::Http(response))) if response.status() == 401 => {
            bail!("the server refused the probe's token (HTTP 401): is it revoked?")
        }
        Ok(Err(error)) => Err(error).with_context(|| format!("cannot connect to {}", probe.url)),
        Ok(Ok((socket, _))) => Ok(socket),
    }
}

/// Mozilla's roots through ring, the provider the rest of monitor uses.
fn tls_config() -> anyhow::Result<Arc<rustls::ClientConfig>> {
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("cannot configure TLS")?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

async fn measure_clock(socket: &mut Socket) -> anyhow::Result<Sample> {
    let mut samples = Vec::with_capacity(CLOCK_SAMPLES);
    for _ in 0..CLOCK_SAMPLES {
        send(
            socket,
            &ProbeMessage::TimeRequest {
                probe_sent: Utc::now(),
            },
        )
        .await?;
        match receive(socket).await? {
            ServerMessage::TimeReply {
                probe_sent,
                server_received,
                server_sent,
            } => samples.push(Sample::new(
                probe_sent,
                server_received,
                server_sent,
                Utc::now(),
            )),
            other => bail!("the server answered a time request with {other:?}"),
        }
    }
    Sample::best(&samples).context("no clock sample")
}

async fn send(socket: &mut Socket, message: &ProbeMessage) -> anyhow::Result<()> {
    socket
        .send(Message::text(message.encode()))
        .await
        .context("cannot send to the server")
}

/// The next message during the opening exchanges, within [`ANSWER_TIMEOUT`].
async fn receive(socket: &mut Socket) -> anyhow::Result<ServerMessage> {
    loop {
        let frame = tokio::time::timeout(ANSWER_TIMEOUT, socket.next())
            .await
            .context("the server did not answer in time")?
            .context("the server closed the connection")?
            .context("the connection failed")?;
        match frame {
            Message::Text(text) => return Ok(ServerMessage::decode(text.as_str())?),
            Message::Close(close) => bail!("the server closed the connection: {close:?}"),
            _ => continue,
        }
    }
}

struct Session<'a> {
    probe: &'a Probe,
    socket: Socket,
    /// Results sent on this connection and not yet acknowledged.
    in_flight: HashSet<ResultKey>,
}

impl Session<'_> {
    async fn run(mut self, stop: &CancellationToken) -> anyhow::Result<()> {
        let mut load = self.probe.runner.load();
        let mut keepalive = tokio::time::interval(KEEPALIVE);
        let mut last_heard = tokio::time::Instant::now();
        self.send_spooled().await?;
        loop {
            tokio::select! {
                () = stop.cancelled() => {
                    let _ = self.socket.close(None).await;
                    return Ok(());
                }
                frame = self.socket.next() => {
                    last_heard = tokio::time::Instant::now();
                    match frame {
                        None => bail!("the server closed the connection"),
                        Some(Err(error)) => return Err(error).context("the connection failed"),
                        Some(Ok(Message::Text(text))) => self.handle(text.as_str()).await?,
                        Some(Ok(Message::Close(close))) => {
                            bail!("the server closed the connection: {close:?}")
                        }
                        Some(Ok(_)) => {}
                    }
                }
                changed = load.changed() => {
                    changed.context("the runner stopped")?;
                    let now = *load.borrow_and_update();
                    send(&mut self.socket, &ProbeMessage::Status {
                        running: now.running,
                        queued: now.queued,
                        spooled: now.spooled,
                    }).await?;
                    self.send_spooled().await?;
                }
                _ = keepalive.tick() => {
                    if last_heard.elapsed() > KEEPALIVE * 3 {
                        bail!("the server has been silent for {:?}", last_heard.elapsed());
                    }
                    self.socket.send(Message::Ping(Default::default())).await
                        .context("cannot ping the server")?;
                }
            }
        }
    }

    async fn handle(&mut self, text: &str) -> anyhow::Result<()> {
        let message = match ServerMessage::decode(text) {
            Ok(message) => message,
            Err(error) => {
                // A newer server may say things this probe does not know: skip them.
                tracing::warn!(%error, "ignoring a message from the server");
                return Ok(());
            }
        };
        match message {
            ServerMessage::Assign(assignment) => {
                let assignment_id = assignment.assignment_id.clone();
                let reply = match self.probe.runner.assign(*assignment) {
                    Ok(()) => ProbeMessage::Accepted { assignment_id },
                    Err(reason) => ProbeMessage::Refused {
                        assignment_id,
                        reason,
                    },
                };
                send(&mut self.socket, &reply).await?;
            }
            ServerMessage::Cancel { assignment_id } => self.probe.runner.cancel(&assignment_id),
            ServerMessage::Ack { keys } => {
                for key in keys {
                    self.probe.spool.remove(&key);
                    self.in_flight.remove(&key);
                }
                self.probe.runner.spool_changed();
            }
            ServerMessage::Reject { key, reason } => {
                tracing::warn!(%key, %reason, "the server rejected a result; it is dropped");
                self.probe.spool.remove(&key);
                self.in_flight.remove(&key);
                self.probe.runner.spool_changed();
            }
            ServerMessage::Error { message } => tracing::warn!(%message, "the server complained"),
            ServerMessage::Welcome { .. } | ServerMessage::TimeReply { .. } => {}
        }
        Ok(())
    }

    /// Sends spooled results not yet sent on this connection, up to [`WINDOW`] unacked.
    async fn send_spooled(&mut self) -> anyhow::Result<()> {
        if self.in_flight.len() >= WINDOW {
            return Ok(());
        }
        for key in self.probe.spool.keys() {
            if self.in_flight.len() >= WINDOW {
                break;
            }
            if self.in_flight.contains(&key) {
                continue;
            }
            // Acknowledged (and deleted) since the keys were listed: nothing to send.
            let Ok(text) = self.probe.spool.message(&key) else {
                continue;
            };
            self.socket
                .send(Message::text(text))
                .await
                .context("cannot send a result")?;
            self.in_flight.insert(key);
        }
        Ok(())
    }
}
