//! DNS: one query to the resolver the parameters name or the probe's own (the first
//! `nameserver` of `/etc/resolv.conf`), over UDP through `hickory-net` or over TCP,
//! retried on silence; messages are `hickory-proto`'s, and the answer is kept whole as
//! base64 too. TCP is framed here (a length before each message, RFC 1035 §4.2.2):
//! `hickory-net` 0.26's TCP exchange closed its connections without sending the query.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use base64::Engine;
use futures::StreamExt;
use hickory_net::proto::op::{DnsRequest, DnsRequestOptions, Edns, Message, Query};
use hickory_net::proto::rr::{DNSClass, Name, RecordType as WireType};
use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::udp::UdpClientStream;
use hickory_net::xfer::DnsHandle;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::millis;
use crate::probes::input::{DnsClass, DnsParams, DnsTransport, RecordType, Target};
use crate::probes::protocol::{DnsFlags, DnsRecord, DnsResult, MeasurementResult};

/// Asks about `target` as `params` say.
pub async fn dns(params: &DnsParams, target: &Target) -> Result<MeasurementResult, String> {
    let resolver = match params.resolver {
        Some(resolver) => resolver,
        None => system_resolver().await?,
    };
    let name = match target {
        Target::Ip(address) => Name::from(*address),
        Target::Host(host) => Name::from_ascii(format!("{host}."))
            .map_err(|error| format!("{host} is not a DNS name: {error}"))?,
    };
    let timeout = Duration::from_millis(params.timeout_ms.into());
    let attempts = params.retries + 1;
    let mut last_error = String::new();
    for attempt in 1..=attempts {
        let started = Instant::now();
        match ask(params, resolver, &name, timeout).await {
            Ok(response) => {
                let time_ms = millis(started.elapsed());
                return Ok(MeasurementResult::Dns(result(
                    params, resolver, &name, response, time_ms, attempt,
                )));
            }
            Err(error) => last_error = error,
        }
    }
    Err(format!(
        "no answer from {resolver} after {attempts} attempt(s): {last_error}"
    ))
}

async fn ask(
    params: &DnsParams,
    resolver: SocketAddr,
    name: &Name,
    timeout: Duration,
) -> Result<(Message, Vec<u8>), String> {
    let mut query = Query::query(name.clone(), wire_type(params.record_type));
    query.set_query_class(match params.class {
        DnsClass::In => DNSClass::IN,
        DnsClass::Chaos => DNSClass::CH,
    });
    let mut message = Message::query();
    message.metadata.recursion_desired = params.recursion_desired;
    message.add_query(query);
    if params.dnssec_ok {
        let mut edns = Edns::new();
        edns.set_dnssec_ok(true).set_max_payload(1232);
        message.set_edns(edns);
    }
    let answer = async {
        match params.transport {
            DnsTransport::Udp => ask_udp(message, params, resolver, timeout).await,
            DnsTransport::Tcp => ask_tcp(&message, resolver).await,
        }
    };
    tokio::time::timeout(timeout, answer)
        .await
        .map_err(|_| format!("timed out after {} ms", timeout.as_millis()))?
}

async fn ask_udp(
    message: Message,
    params: &DnsParams,
    resolver: SocketAddr,
    timeout: Duration,
) -> Result<(Message, Vec<u8>), String> {
    let mut options = DnsRequestOptions::default();
    options.use_edns = params.dnssec_ok;
    options.edns_set_dnssec_ok = params.dnssec_ok;
    options.recursion_desired = params.recursion_desired;
    // The exchange's background task lives in the provider's task set, which goes away
    // with the provider's last clone: this one is held until the answer is in.
    let provider = TokioRuntimeProvider::new();
    let exchange = UdpClientStream::builder(resolver, provider.clone())
        .with_timeout(Some(timeout))
        .with_max_retries(0)
        .exchange();
    let answer = exchange
        .send(DnsRequest::new(message, options))
        .next()
        .await;
    drop(provider);
    match answer {
        Some(Ok(response)) => Ok(response.into_parts()),
        Some(Err(error)) => Err(error.to_string()),
        None => Err("no answer".to_string()),
    }
}

/// DNS over TCP (RFC 1035 §4.2.2): the message behind its two-byte length, each way.
async fn ask_tcp(query: &Message, resolver: SocketAddr) -> Result<(Message, Vec<u8>), String> {
    let bytes = query
        .to_vec()
        .map_err(|error| format!("cannot encode the query: {error}"))?;
    let failed = |error: std::io::Error| format!("TCP exchange with {resolver} failed: {error}");
    let mut stream = TcpStream::connect(resolver).await.map_err(failed)?;
    let mut framed = (bytes.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(&bytes);
    stream.write_all(&framed).await.map_err(failed)?;
    let length = stream.read_u16().await.map_err(failed)?;
    let mut answer = vec![0u8; length.into()];
    stream.read_exact(&mut answer).await.map_err(failed)?;
    let message =
        Message::from_vec(&answer).map_err(|error| format!("cannot decode the answer: {error}"))?;
    if message.metadata.id != query.metadata.id {
        return Err("the answer is for another query".to_string());
    }
    Ok((message, answer))
}

fn result(
    params: &DnsParams,
    resolver: SocketAddr,
    name: &Name,
    (message, raw): (Message, Vec<u8>),
    time_ms: f64,
    attempts: u32,
) -> DnsResult {
    let response_base64 = base64::engine::general_purpose::STANDARD.encode(raw);
    let header = &message.metadata;
    DnsResult {
        resolver,
        transport: params.transport,
        name: name.to_string(),
        record_type: params.record_type,
        class: params.class,
        // The mnemonic users know (NOERROR, NXDOMAIN, SERVFAIL…), from the variant's name.
        rcode: format!("{:?}", header.response_code).to_uppercase(),
        flags: DnsFlags {
            authoritative: header.authoritative,
            truncated: header.truncation,
            recursion_desired: header.recursion_desired,
            recursion_available: header.recursion_available,
            authentic_data: header.authentic_data,
            checking_disabled: header.checking_disabled,
        },
        answers: message
            .answers
            .iter()
            .map(|record| DnsRecord {
                name: record.name.to_string(),
                record_type: record.record_type().to_string(),
                class: record.dns_class.to_string(),
                ttl: record.ttl,
                data: record.data.to_string(),
            })
            .collect(),
        authority_count: message.authorities.len() as u32,
        additional_count: message.additionals.len() as u32,
        time_ms,
        attempts,
        response_base64,
    }
}

fn wire_type(record_type: RecordType) -> WireType {
    match record_type {
        RecordType::A => WireType::A,
        RecordType::Aaaa => WireType::AAAA,
        RecordType::Cname => WireType::CNAME,
        RecordType::Mx => WireType::MX,
        RecordType::Ns => WireType::NS,
        RecordType::Ptr => WireType::PTR,
        RecordType::Soa => WireType::SOA,
        RecordType::Srv => WireType::SRV,
        RecordType::Txt => WireType::TXT,
        RecordType::Caa => WireType::CAA,
        RecordType::Ds => WireType::DS,
        RecordType::Dnskey => WireType::DNSKEY,
        RecordType::Any => WireType::ANY,
    }
}

/// The first name server of the probe's own configuration.
async fn system_resolver() -> Result<SocketAddr, String> {
    let text = tokio::fs::read("/etc/resolv.conf").await.map_err(|error| {
        format!("no resolver given and /etc/resolv.conf is unreadable: {error}")
    })?;
    let config = resolv_conf::Config::parse(&text)
        .map_err(|error| format!("cannot parse /etc/resolv.conf: {error}"))?;
    config
        .nameservers
        .first()
        .map(|server| SocketAddr::new(server.into(), 53))
        .ok_or_else(|| "no resolver given and /etc/resolv.conf names none".to_string())
}
