//! The `monitor probe` program, run as a real process against a minimal websocket peer
//! that speaks the probe protocol: the token in the handshake, hello and the clock
//! exchange, assignments within capacity, the spool surviving `kill -9`, reconnects.
//!
//! The peer is scaffolding for the probe's side of the protocol only; the server's side
//! is tested against the real monitor server.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use chrono::Utc;
use futures::{SinkExt, StreamExt};
use monitor::probes::input::{MeasurementParams, PingParams, Schedule, Target};
use monitor::probes::protocol::{
    Assignment, MeasurementResult, PROTOCOL_VERSION, ProbeMessage, ResultKey, ResultMessage,
    ServerMessage, Wire,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};

use crate::helpers::run_cli;

const TOKEN: &str = "probe-token-for-tests-0123456789";
/// Long enough for a loaded machine; every wait ends on an event well before it.
const WAIT: Duration = Duration::from_secs(30);

type Socket = WebSocketStream<TcpStream>;

struct Peer {
    listener: TcpListener,
}

impl Peer {
    async fn start() -> Peer {
        Peer {
            listener: TcpListener::bind("127.0.0.1:0").await.unwrap(),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.listener.local_addr().unwrap())
    }

    /// Accepts the next connection, checking its path and token; with `refuse`, answers
    /// the handshake with 401 instead and returns `None`.
    #[allow(
        clippy::result_large_err,
        reason = "the handshake callback's type is tungstenite's"
    )]
    async fn accept(&self, refuse: bool) -> Option<Socket> {
        let (tcp, _) = tokio::time::timeout(WAIT, self.listener.accept())
            .await
            .expect("the probe connects")
            .unwrap();
        let check = move |request: &Request, response| handshake(request, response, refuse);
        let socket = tokio_tungstenite::accept_hdr_async(tcp, check).await;
        if refuse {
            assert!(socket.is_err());
            return None;
        }
        Some(socket.expect("a websocket"))
    }
}

/// Checks the path and the token, and refuses with 401 when asked to.
#[allow(
    clippy::result_large_err,
    reason = "the handshake callback's type is tungstenite's"
)]
fn handshake(
    request: &Request,
    response: Response,
    refuse: bool,
) -> Result<Response, ErrorResponse> {
    assert_eq!(request.uri().path(), "/probes/connect");
    let authorization = request
        .headers()
        .get("authorization")
        .map(|value| value.to_str().unwrap());
    assert_eq!(authorization, Some(format!("Bearer {TOKEN}").as_str()));
    if refuse {
        let mut refusal = ErrorResponse::new(Some("revoked".into()));
        *refusal.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
        return Err(refusal);
    }
    Ok(response)
}

async fn send(socket: &mut Socket, message: ServerMessage) {
    socket.send(Message::text(message.encode())).await.unwrap();
}

/// The probe's next message; a pong comes back as `None`.
async fn next(socket: &mut Socket) -> Option<ProbeMessage> {
    loop {
        let frame = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("the probe speaks in time")
            .expect("the probe keeps the connection")
            .unwrap();
        match frame {
            Message::Text(text) => return Some(ProbeMessage::decode(text.as_str()).unwrap()),
            Message::Pong(_) => return None,
            _ => {}
        }
    }
}

/// Answers hello and the clock exchange; returns the hello's spooled count.
async fn welcome(socket: &mut Socket, capacity: u32) -> u64 {
    let spooled = match next(socket).await {
        Some(ProbeMessage::Hello {
            protocol,
            capacity: said,
            spooled,
            ..
        }) => {
            assert_eq!((protocol, said), (PROTOCOL_VERSION, capacity));
            spooled
        }
        other => panic!("expected hello, got {other:?}"),
    };
    send(
        socket,
        ServerMessage::Welcome {
            protocol: PROTOCOL_VERSION,
            probe_id: "probe-1".into(),
            server_time: Utc::now(),
        },
    )
    .await;
    loop {
        match next(socket).await {
            Some(ProbeMessage::TimeRequest { probe_sent }) => {
                let now = Utc::now();
                let reply = ServerMessage::TimeReply {
                    probe_sent,
                    server_received: now,
                    server_sent: now,
                };
                send(socket, reply).await;
            }
            Some(ProbeMessage::ClockOffset { delay_micros, .. }) => {
                assert!(delay_micros >= 0);
                return spooled;
            }
            other => panic!("expected the clock exchange, got {other:?}"),
        }
    }
}

/// Sends a websocket ping and collects what the probe sends until its pong: the probe
/// handles messages in order, so everything sent before the ping has been handled.
async fn until_pong(socket: &mut Socket) -> Vec<ProbeMessage> {
    socket.send(Message::Ping("barrier".into())).await.unwrap();
    let mut seen = Vec::new();
    while let Some(message) = next(socket).await {
        seen.push(message);
    }
    seen
}

pub(super) struct Program {
    child: Child,
}

impl Program {
    pub(super) fn start(server: &str, token_file: &Path, spool: &Path, capacity: u32) -> Program {
        let child = Command::new(env!("CARGO_BIN_EXE_monitor"))
            .args([
                "probe",
                "--server",
                server,
                "--capacity",
                &capacity.to_string(),
            ])
            .arg("--token-file")
            .arg(token_file)
            .arg("--spool")
            .arg(spool)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("monitor probe starts");
        Program { child }
    }

    pub(super) async fn kill(&mut self) {
        self.child.kill().await.expect("SIGKILL");
    }

    async fn terminate(&mut self) -> bool {
        let pid = nix::unistd::Pid::from_raw(self.child.id().expect("running") as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
        let status = tokio::time::timeout(WAIT, self.child.wait())
            .await
            .expect("it stops");
        status.unwrap().success()
    }
}

fn token_file(directory: &Path) -> PathBuf {
    let path = directory.join("token");
    std::fs::write(&path, format!("{TOKEN}\n")).unwrap();
    path
}

fn ping_assignment(targets: &[&str]) -> ServerMessage {
    resumed_ping_assignment(targets, &[])
}

/// An assignment whose first run's `measured` targets the server already holds.
fn resumed_ping_assignment(targets: &[&str], measured: &[&str]) -> ServerMessage {
    let parse = |targets: &[&str]| targets.iter().map(|t| Target::parse(t).unwrap()).collect();
    ServerMessage::Assign(Box::new(Assignment {
        assignment_id: "asg-1".into(),
        measurement_id: "msm-1".into(),
        // Two packets 200 ms apart: each measurement lasts long enough to be seen running.
        params: MeasurementParams::Ping(PingParams {
            packets: 2,
            interval_ms: 200,
            ..PingParams::default()
        }),
        targets: parse(targets),
        schedule: Schedule::Once,
        first_run: 0,
        measured: parse(measured),
    }))
}

#[tokio::test]
async fn a_killed_probe_delivers_what_was_not_acknowledged_exactly_once_after_a_restart() {
    let directory = tempfile::tempdir().unwrap();
    let (token, spool) = (token_file(directory.path()), directory.path().join("spool"));
    let peer = Peer::start().await;
    let mut program = Program::start(&peer.url(), &token, &spool, 1);

    let mut socket = peer.accept(false).await.unwrap();
    assert_eq!(welcome(&mut socket, 1).await, 0, "a new spool is empty");
    send(
        &mut socket,
        ping_assignment(&["127.0.0.1", "127.0.0.2", "127.0.0.3"]),
    )
    .await;
    let mut results: Vec<ResultMessage> = Vec::new();
    let (mut most_running, mut most_queued) = (0, 0);
    while results.len() < 3 {
        match next(&mut socket).await {
            Some(ProbeMessage::Accepted { assignment_id }) => assert_eq!(assignment_id, "asg-1"),
            Some(ProbeMessage::Status {
                running, queued, ..
            }) => {
                most_running = most_running.max(running);
                most_queued = most_queued.max(queued);
            }
            Some(ProbeMessage::Result(result)) => results.push(*result),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        most_running, 1,
        "a probe of capacity 1 runs one measurement at a time"
    );
    for result in &results {
        match &result.result {
            Some(MeasurementResult::Ping(ping)) => assert_eq!(ping.received, 2, "{result:?}"),
            other => panic!("expected a ping, got {other:?}"),
        }
    }
    let acknowledged: Vec<ResultKey> = results[..2].iter().map(|r| r.key.clone()).collect();
    send(&mut socket, ServerMessage::Ack { keys: acknowledged }).await;
    until_pong(&mut socket).await;
    program.kill().await;

    let mut program = Program::start(&peer.url(), &token, &spool, 1);
    let mut socket = peer.accept(false).await.unwrap();
    assert_eq!(
        welcome(&mut socket, 1).await,
        1,
        "one result was never acknowledged"
    );
    let resent: Vec<ResultMessage> = until_pong(&mut socket)
        .await
        .into_iter()
        .filter_map(|message| match message {
            ProbeMessage::Result(result) => Some(*result),
            _ => None,
        })
        .collect();
    assert_eq!(
        resent,
        [results[2].clone()],
        "the spooled result, as first measured"
    );
    send(
        &mut socket,
        ServerMessage::Ack {
            keys: vec![results[2].key.clone()],
        },
    )
    .await;
    until_pong(&mut socket).await;
    assert!(program.terminate().await, "SIGTERM stops the probe cleanly");

    let mut program = Program::start(&peer.url(), &token, &spool, 1);
    let mut socket = peer.accept(false).await.unwrap();
    assert_eq!(
        welcome(&mut socket, 1).await,
        0,
        "nothing is left to deliver"
    );
    program.kill().await;
}

#[tokio::test]
async fn targets_the_server_already_holds_are_not_measured_again() {
    let directory = tempfile::tempdir().unwrap();
    let (token, spool) = (token_file(directory.path()), directory.path().join("spool"));
    let peer = Peer::start().await;
    let mut program = Program::start(&peer.url(), &token, &spool, 1);
    let mut socket = peer.accept(false).await.unwrap();
    welcome(&mut socket, 1).await;

    let targets = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
    let resumed = resumed_ping_assignment(&targets, &["127.0.0.1", "127.0.0.3"]);
    send(&mut socket, resumed).await;
    // Every measurement is queued as the run starts: once none runs or waits, and
    // the spool has what was measured, the run is over; its results follow.
    let mut seen = Vec::new();
    loop {
        let message = next(&mut socket).await;
        let idle = matches!(
            message,
            Some(ProbeMessage::Status { running: 0, queued: 0, spooled }) if spooled > 0
        );
        seen.extend(message);
        if idle {
            break;
        }
    }
    seen.extend(until_pong(&mut socket).await);
    let measured: Vec<String> = seen
        .iter()
        .filter_map(|message| match message {
            ProbeMessage::Result(result) => Some(result.key.target.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(measured, ["127.0.0.2"], "only the target the server lacks");
    program.kill().await;
}

#[tokio::test]
async fn a_refused_or_dropped_probe_reconnects_with_its_token() {
    let directory = tempfile::tempdir().unwrap();
    let (token, spool) = (token_file(directory.path()), directory.path().join("spool"));
    let peer = Peer::start().await;
    let mut program = Program::start(&peer.url(), &token, &spool, 2);

    assert!(
        peer.accept(true).await.is_none(),
        "the first attempt is refused"
    );
    let mut socket = peer.accept(false).await.unwrap();
    welcome(&mut socket, 2).await;
    drop(socket);
    let mut socket = peer.accept(false).await.expect("the probe comes back");
    welcome(&mut socket, 2).await;
    program.kill().await;
}

#[tokio::test]
async fn probe_help_names_its_options_and_their_environment() {
    let (ok, help, _) = run_cli(&["probe", "--help"], None).await;
    assert!(ok);
    for option in [
        "--server",
        "--token-file",
        "--capacity",
        "--spool",
        "MONITOR_PROBE_SERVER",
        "MONITOR_PROBE_TOKEN_FILE",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}
