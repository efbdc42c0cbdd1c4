//! The typed results in GraphQL: addresses as text, HTTP headers as name and value.

use async_graphql::{ComplexObject, SimpleObject};

use crate::probes::protocol::{DnsResult, HopReply, HttpResult, PingResult, TracerouteResult};

#[ComplexObject]
impl PingResult {
    /// The address pinged (the target, resolved when it is a name).
    async fn address(&self) -> String {
        self.address.to_string()
    }
}

#[ComplexObject]
impl TracerouteResult {
    /// The destination (the target, resolved when it is a name).
    async fn address(&self) -> String {
        self.address.to_string()
    }
}

#[ComplexObject]
impl HopReply {
    /// Who answered; `null` when the packet timed out.
    async fn from(&self) -> Option<String> {
        self.from.map(|address| address.to_string())
    }
}

#[ComplexObject]
impl DnsResult {
    /// The resolver asked, `address:port`.
    async fn resolver(&self) -> String {
        self.resolver.to_string()
    }
}

/// One header of an HTTP answer.
#[derive(SimpleObject)]
pub struct HttpHeader {
    pub name: String,
    pub value: String,
}

#[ComplexObject]
impl HttpResult {
    /// Where the probe connected, `address:port`.
    async fn address(&self) -> String {
        self.address.to_string()
    }

    /// The answer's headers, in order.
    async fn headers(&self) -> Vec<HttpHeader> {
        self.headers
            .iter()
            .map(|(name, value)| HttpHeader {
                name: name.clone(),
                value: value.clone(),
            })
            .collect()
    }
}
