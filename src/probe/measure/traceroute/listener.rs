//! The raw ICMPv4 socket a trace hears its answers on (time exceeded, unreachable,
//! echo reply), and the parsing of those answers with `pnet_packet`.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Instant;

use pnet_packet::icmp::{IcmpPacket, IcmpTypes};
use pnet_packet::ip::IpNextHeaderProtocol;
use pnet_packet::ipv4::Ipv4Packet;
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;

/// An ICMP message heard, with what it says about the packet it answers.
pub struct Answer<'a> {
    pub from: Ipv4Addr,
    pub kind: AnswerKind,
    /// For an echo reply, the ICMP message; for an error, the quoted datagram's IP
    /// payload (its transport header's first 8 bytes at least), with the quoted IP
    /// header's destination and protocol.
    pub payload: &'a [u8],
    pub quoted_destination: Option<Ipv4Addr>,
    pub quoted_protocol: Option<IpNextHeaderProtocol>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    EchoReply,
    TimeExceeded,
    Unreachable,
}

/// A raw ICMPv4 socket (needs CAP_NET_RAW): every ICMP message to this host.
///
/// Held as a tokio `UdpSocket`, as `surge-ping` holds its ICMP sockets: a datagram
/// socket's `send_to` and `recv` are the calls a raw socket needs, and tokio then
/// drives it without any unsafe registration.
pub struct IcmpListener {
    socket: UdpSocket,
}

impl IcmpListener {
    pub fn open() -> Result<IcmpListener, String> {
        let socket =
            Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).map_err(|error| {
                format!("traceroute needs a raw ICMP socket (CAP_NET_RAW): {error}")
            })?;
        socket
            .set_nonblocking(true)
            .and_then(|()| UdpSocket::from_std(std::net::UdpSocket::from(socket)))
            .map(|socket| IcmpListener { socket })
            .map_err(|error| format!("cannot watch the ICMP socket: {error}"))
    }

    /// Sends an ICMP message with `ttl` from this socket.
    pub async fn send(&self, packet: &[u8], to: Ipv4Addr, ttl: u32) -> Result<Instant, String> {
        self.socket
            .set_ttl(ttl)
            .map_err(|error| format!("cannot set the TTL: {error}"))?;
        let sent = Instant::now();
        self.socket
            .send_to(packet, SocketAddr::new(to.into(), 0))
            .await
            .map_err(|error| format!("cannot send to {to}: {error}"))?;
        Ok(sent)
    }

    /// Waits for the next ICMP message until `deadline`, and returns the first for
    /// which `matches` gives a value, with when it arrived.
    pub async fn next<T>(
        &self,
        deadline: Instant,
        buffer: &mut [u8],
        mut matches: impl FnMut(&Answer<'_>) -> Option<T>,
    ) -> Result<Option<(T, Instant)>, String> {
        loop {
            let received = tokio::time::timeout_at(deadline.into(), self.socket.recv(buffer)).await;
            let length = match received {
                Err(_) => return Ok(None),
                Ok(Err(error)) => return Err(format!("cannot read the ICMP socket: {error}")),
                Ok(Ok(length)) => length,
            };
            let arrived = Instant::now();
            if let Some(found) = parse(&buffer[..length]).as_ref().and_then(&mut matches) {
                return Ok(Some((found, arrived)));
            }
        }
    }
}

fn parse(datagram: &[u8]) -> Option<Answer<'_>> {
    let ip = Ipv4Packet::new(datagram)?;
    let header = usize::from(ip.get_header_length()) * 4;
    let message = datagram.get(header..)?;
    let icmp = IcmpPacket::new(message)?;
    let kind = match icmp.get_icmp_type() {
        IcmpTypes::EchoReply => AnswerKind::EchoReply,
        IcmpTypes::TimeExceeded => AnswerKind::TimeExceeded,
        IcmpTypes::DestinationUnreachable => AnswerKind::Unreachable,
        _ => return None,
    };
    if kind == AnswerKind::EchoReply {
        return Some(Answer {
            from: ip.get_source(),
            kind,
            payload: message,
            quoted_destination: None,
            quoted_protocol: None,
        });
    }
    // An error quotes the offending datagram after its own 8-byte header.
    let quoted = message.get(8..)?;
    let inner = Ipv4Packet::new(quoted)?;
    let inner_header = usize::from(inner.get_header_length()) * 4;
    Some(Answer {
        from: ip.get_source(),
        kind,
        payload: quoted.get(inner_header..)?,
        quoted_destination: Some(inner.get_destination()),
        quoted_protocol: Some(inner.get_next_level_protocol()),
    })
}

/// Reads a big-endian `u16` at `offset`.
pub fn word(bytes: &[u8], offset: usize) -> Option<u16> {
    Some(u16::from_be_bytes([
        *bytes.get(offset)?,
        *bytes.get(offset + 1)?,
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_exceeded_message_yields_the_quoted_udp_header() {
        // IPv4 header from 198.18.1.1, ICMP type 11, quoting IPv4 → 198.18.3.2 UDP.
        let mut datagram = vec![
            0x45, 0, 0, 56, 0, 0, 0, 0, 64, 1, 0, 0, 198, 18, 1, 1, 198, 18, 1, 2,
        ];
        datagram.extend_from_slice(&[11, 0, 0, 0, 0, 0, 0, 0]);
        datagram.extend_from_slice(&[
            0x45, 0, 0, 30, 0, 0, 0, 0, 1, 17, 0, 0, 198, 18, 1, 2, 198, 18, 3, 2,
        ]);
        datagram.extend_from_slice(&[0x9c, 0x40, 0x82, 0x9a, 0, 10, 0xab, 0xcd]);
        let answer = parse(&datagram).unwrap();
        assert_eq!(answer.from, Ipv4Addr::new(198, 18, 1, 1));
        assert_eq!(answer.kind, AnswerKind::TimeExceeded);
        assert_eq!(
            answer.quoted_destination,
            Some(Ipv4Addr::new(198, 18, 3, 2))
        );
        assert_eq!(
            answer.quoted_protocol,
            Some(pnet_packet::ip::IpNextHeaderProtocols::Udp)
        );
        assert_eq!(word(answer.payload, 0), Some(40_000));
        assert_eq!(word(answer.payload, 6), Some(0xabcd));
    }
}
