//! Probes: the measurement engines on real sockets (ICMP and TCP ping to loopback,
//! traceroutes through network namespaces, DNS and HTTP against servers the tests
//! start), and the `monitor probe` program as a real process.

mod dns;
mod http;
mod netns;
mod ping_trace;
mod program;
