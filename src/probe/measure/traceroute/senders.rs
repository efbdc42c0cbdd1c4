//! The packets of a trace, one protocol each, and how an answer is matched to them.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::{Duration, Instant};

use tokio::net::{TcpSocket, UdpSocket};

use super::listener::{Answer, AnswerKind, IcmpListener, word};
use super::{Reply, is_protocol};
use crate::probes::input::{TracerouteParams, TracerouteProtocol};

pub struct Sender {
    protocol: TracerouteProtocol,
    destination: Ipv4Addr,
    port: u16,
    size: usize,
    paris_id: u16,
    identifier: u16,
    sequence: u16,
    /// A UDP trace's one socket: its source port is the trace's flow.
    udp: Option<UdpSocket>,
}

impl Sender {
    pub async fn new(params: &TracerouteParams, destination: Ipv4Addr) -> Result<Sender, String> {
        let udp = match params.protocol {
            TracerouteProtocol::Udp => Some(
                UdpSocket::bind("0.0.0.0:0")
                    .await
                    .map_err(|error| format!("cannot open a UDP socket: {error}"))?,
            ),
            _ => None,
        };
        Ok(Sender {
            udp,
            protocol: params.protocol,
            destination,
            port: params.port.unwrap_or(0),
            size: params.size as usize,
            paris_id: params.paris_id as u16,
            identifier: rand::random(),
            sequence: 0,
        })
    }

    /// Sends one packet with `ttl` and waits up to `timeout` for what answers it.
    pub async fn probe(
        &mut self,
        listener: &IcmpListener,
        ttl: u32,
        timeout: Duration,
        buffer: &mut [u8],
    ) -> Result<Option<Reply>, String> {
        self.sequence = self.sequence.wrapping_add(1);
        match self.protocol {
            TracerouteProtocol::Icmp => self.icmp(listener, ttl, timeout, buffer).await,
            TracerouteProtocol::Udp => self.udp(listener, ttl, timeout, buffer).await,
            TracerouteProtocol::Tcp => self.tcp(listener, ttl, timeout, buffer).await,
        }
    }

    async fn icmp(
        &self,
        listener: &IcmpListener,
        ttl: u32,
        timeout: Duration,
        buffer: &mut [u8],
    ) -> Result<Option<Reply>, String> {
        let mut packet = vec![0u8; 8 + self.size];
        packet[0] = 8; // echo request
        packet[4..6].copy_from_slice(&self.identifier.to_be_bytes());
        packet[6..8].copy_from_slice(&self.sequence.to_be_bytes());
        if self.paris_id > 0 {
            // The sequence plus its complement sums to a constant, so the checksum (part
            // of the flow for load balancers that hash the ICMP header) stays constant;
            // the id then decides the checksum, so each id is a flow of its own.
            write_word(&mut packet, 8, !self.sequence);
            write_word(&mut packet, 10, self.paris_id);
        }
        let checksum = pnet_packet::util::checksum(&packet, 1);
        packet[2..4].copy_from_slice(&checksum.to_be_bytes());
        let sent = listener.send(&packet, self.destination, ttl).await?;
        let ours = |message: &[u8]| {
            word(message, 4) == Some(self.identifier) && word(message, 6) == Some(self.sequence)
        };
        let heard = listener
            .next(sent + timeout, buffer, |answer| match answer.kind {
                AnswerKind::EchoReply => (answer.from == self.destination && ours(answer.payload))
                    .then_some((true, answer.from)),
                _ => (self.quotes_ours(answer)
                    && answer.payload.first() == Some(&8)
                    && ours(answer.payload))
                .then(|| (answer.from == self.destination, answer.from)),
            })
            .await?;
        Ok(heard.map(|((reached, from), arrived)| Reply::new(from, sent, arrived, reached)))
    }

    async fn udp(
        &self,
        listener: &IcmpListener,
        ttl: u32,
        timeout: Duration,
        buffer: &mut [u8],
    ) -> Result<Option<Reply>, String> {
        let failed = |what: &'static str| move |error: std::io::Error| format!("{what}: {error}");
        // Classic traceroute moves the destination port with every packet.
        let port = if self.paris_id > 0 {
            self.port
        } else {
            self.port.wrapping_add(self.sequence)
        };
        let to = SocketAddr::V4(SocketAddrV4::new(self.destination, port));
        let Some(socket) = &self.udp else {
            return Err("a UDP trace without its socket".into());
        };
        socket.set_ttl(ttl).map_err(failed("cannot set the TTL"))?;
        let source = socket.local_addr().map_err(failed("no local address"))?;
        let payload = vec![0u8; self.size];
        let sent = Instant::now();
        socket
            .send_to(&payload, to)
            .await
            .map_err(failed("cannot send the UDP packet"))?;
        let heard = listener
            .next(sent + timeout, buffer, |answer| {
                let header = answer.payload;
                let matches = self.quotes_ours(answer)
                    && word(header, 0) == Some(source.port())
                    && word(header, 2) == Some(port);
                matches.then(|| (answer.from == self.destination, answer.from))
            })
            .await?;
        Ok(heard.map(|((reached, from), arrived)| Reply::new(from, sent, arrived, reached)))
    }

    async fn tcp(
        &self,
        listener: &IcmpListener,
        ttl: u32,
        timeout: Duration,
        buffer: &mut [u8],
    ) -> Result<Option<Reply>, String> {
        let failed = |error: std::io::Error| format!("cannot open a TCP socket: {error}");
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .map_err(failed)?;
        socket.set_ttl_v4(ttl).map_err(failed)?;
        socket.set_nonblocking(true).map_err(failed)?;
        let socket = TcpSocket::from_std_stream(socket.into());
        socket
            .bind(SocketAddr::from(([0, 0, 0, 0], 0)))
            .map_err(failed)?;
        let source_port = socket.local_addr().map_err(failed)?.port();
        let sent = Instant::now();
        let connect = socket.connect(SocketAddr::V4(SocketAddrV4::new(
            self.destination,
            self.port,
        )));
        tokio::pin!(connect);
        let mut connecting = true;
        loop {
            tokio::select! {
                connected = &mut connect, if connecting => match connected {
                    // A handshake or a reset: the destination itself answered.
                    Ok(_) => return Ok(Some(Reply::new(self.destination, sent, Instant::now(), true))),
                    Err(error) if error.kind() == std::io::ErrorKind::ConnectionRefused => {
                        return Ok(Some(Reply::new(self.destination, sent, Instant::now(), true)));
                    }
                    // An ICMP error ended the connect: the listener hears who sent it.
                    Err(_) => connecting = false,
                },
                heard = listener.next(sent + timeout, buffer, |answer| {
                    let matches = self.quotes_ours(answer)
                        && word(answer.payload, 0) == Some(source_port)
                        && word(answer.payload, 2) == Some(self.port);
                    matches.then(|| (answer.from == self.destination, answer.from))
                }) => {
                    return Ok(heard?.map(|((reached, from), arrived)| {
                        Reply::new(from, sent, arrived, reached)
                    }));
                }
            }
        }
    }

    /// Whether an ICMP error quotes a packet of this trace's protocol to its destination.
    fn quotes_ours(&self, answer: &Answer<'_>) -> bool {
        answer.kind != AnswerKind::EchoReply
            && answer.quoted_destination == Some(self.destination)
            && answer
                .quoted_protocol
                .is_some_and(|protocol| is_protocol(self.protocol, protocol))
    }
}

fn write_word(bytes: &mut [u8], offset: usize, value: u16) {
    if let Some(slot) = bytes.get_mut(offset..offset + 2) {
        slot.copy_from_slice(&value.to_be_bytes());
    }
}
