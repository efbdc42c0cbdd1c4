//! DNS measurements against a resolver the test runs on a 127.0.0.1 port, over UDP and
//! TCP: a small responder built from `hickory-proto` that knows one name and
//! `version.bind` in the CHAOS class.

use std::net::SocketAddr;

use hickory_net::proto::op::{Message, MessageType, ResponseCode};
use hickory_net::proto::rr::rdata::{A, TXT};
use hickory_net::proto::rr::{DNSClass, RData, Record, RecordType};
use monitor::probe::measure::measure;
use monitor::probes::input::{DnsClass, DnsParams, DnsTransport, MeasurementParams, Target};
use monitor::probes::protocol::{DnsResult, MeasurementResult};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

/// A UDP socket and a TCP listener on the same free port: the port the system picks for
/// UDP may be taken for TCP by another process, so a clash tries another.
async fn bind_both() -> (UdpSocket, TcpListener, SocketAddr) {
    for _ in 0..50 {
        let udp = UdpSocket::bind("127.0.0.1:0").await.expect("a UDP port");
        let address = udp.local_addr().expect("its address");
        match TcpListener::bind(address).await {
            Ok(tcp) => return (udp, tcp, address),
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(error) => panic!("cannot listen on {address}: {error}"),
        }
    }
    panic!("no port was free for both UDP and TCP")
}

/// Answers on UDP and TCP at the same port until dropped.
struct Resolver {
    address: SocketAddr,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Resolver {
    async fn start() -> Resolver {
        let (udp, tcp, address) = bind_both().await;
        let udp_task = tokio::spawn(async move {
            let mut buffer = vec![0u8; 4096];
            while let Ok((length, from)) = udp.recv_from(&mut buffer).await {
                let _ = udp.send_to(&answer(&buffer[..length]), from).await;
            }
        });
        let tcp_task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = tcp.accept().await {
                tokio::spawn(async move {
                    let length = stream.read_u16().await.unwrap_or(0) as usize;
                    let mut query = vec![0u8; length];
                    if stream.read_exact(&mut query).await.is_ok() {
                        let reply = answer(&query);
                        let _ = stream.write_u16(reply.len() as u16).await;
                        let _ = stream.write_all(&reply).await;
                    }
                });
            }
        });
        Resolver {
            address,
            tasks: vec![udp_task, tcp_task],
        }
    }
}

impl Drop for Resolver {
    fn drop(&mut self) {
        self.tasks.iter().for_each(|task| task.abort());
    }
}

fn answer(query: &[u8]) -> Vec<u8> {
    let query = Message::from_vec(query).expect("a DNS query");
    let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
    reply.metadata.message_type = MessageType::Response;
    reply.metadata.recursion_desired = query.metadata.recursion_desired;
    reply.metadata.recursion_available = true;
    let question = query.queries[0].clone();
    let name = question.name().clone();
    match (
        name.to_ascii().as_str(),
        question.query_type(),
        question.query_class(),
    ) {
        ("www.example.test.", RecordType::A, DNSClass::IN) => {
            reply.add_answer(Record::from_rdata(
                name,
                300,
                RData::A(A::new(192, 0, 2, 10)),
            ));
        }
        ("version.bind.", RecordType::TXT, DNSClass::CH) => {
            let mut record =
                Record::from_rdata(name, 0, RData::TXT(TXT::new(vec!["test-resolver".into()])));
            record.dns_class = DNSClass::CH;
            reply.add_answer(record);
        }
        _ => reply.metadata.response_code = ResponseCode::NXDomain,
    }
    reply.add_query(question);
    reply.to_vec().expect("an encodable answer")
}

async fn ask(name: &str, params: DnsParams) -> Result<DnsResult, String> {
    let target = Target::parse(name).unwrap();
    match measure(&MeasurementParams::Dns(params), &target).await? {
        MeasurementResult::Dns(result) => Ok(result),
        other => panic!("expected a DNS result, got {other:?}"),
    }
}

#[tokio::test]
async fn a_query_over_udp_or_tcp_returns_the_resolvers_answer_and_time() {
    let resolver = Resolver::start().await;
    for transport in [DnsTransport::Udp, DnsTransport::Tcp] {
        let params = DnsParams {
            resolver: Some(resolver.address),
            transport,
            ..DnsParams::default()
        };
        let result = ask("www.example.test", params).await.expect("an answer");
        assert_eq!(result.rcode, "NOERROR", "{result:?}");
        assert_eq!(result.resolver, resolver.address);
        assert_eq!(result.answers.len(), 1, "{result:?}");
        let record = &result.answers[0];
        assert_eq!(
            (
                record.name.as_str(),
                record.record_type.as_str(),
                record.ttl,
                record.data.as_str()
            ),
            ("www.example.test.", "A", 300, "192.0.2.10")
        );
        assert!(result.flags.recursion_desired && result.flags.recursion_available);
        assert!(result.time_ms > 0.0 && result.attempts == 1, "{result:?}");
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&result.response_base64)
            .unwrap();
        assert_eq!(Message::from_vec(&raw).unwrap().answers.len(), 1);
    }
}

#[tokio::test]
async fn an_unknown_name_is_nxdomain_and_chaos_questions_are_asked_in_chaos() {
    let resolver = Resolver::start().await;
    let params = DnsParams {
        resolver: Some(resolver.address),
        ..DnsParams::default()
    };
    let missing = ask("nowhere.example.test", params.clone()).await.unwrap();
    assert_eq!(
        (missing.rcode.as_str(), missing.answers.len()),
        ("NXDOMAIN", 0)
    );

    let chaos = DnsParams {
        record_type: monitor::probes::input::RecordType::Txt,
        class: DnsClass::Chaos,
        ..params
    };
    let version = ask("version.bind", chaos).await.unwrap();
    assert_eq!(version.answers.len(), 1, "{version:?}");
    assert_eq!(version.answers[0].class, "CH");
    assert!(
        version.answers[0].data.contains("test-resolver"),
        "{version:?}"
    );
}

#[tokio::test]
async fn a_silent_resolver_is_retried_then_reported() {
    let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let params = DnsParams {
        resolver: Some(silent.local_addr().unwrap()),
        retries: 2,
        timeout_ms: 200,
        ..DnsParams::default()
    };
    let error = ask("www.example.test", params)
        .await
        .expect_err("no answer");
    assert!(error.contains("after 3 attempt(s)"), "{error}");
    let mut seen = 0;
    let mut buffer = [0u8; 512];
    while let Ok(Ok(_)) = tokio::time::timeout(
        std::time::Duration::from_millis(50),
        silent.recv_from(&mut buffer),
    )
    .await
    {
        seen += 1;
    }
    assert_eq!(seen, 3, "each attempt sends one query");
}
