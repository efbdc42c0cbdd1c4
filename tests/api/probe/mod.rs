//! Probes: the measurement engines on real sockets (ICMP and TCP ping to loopback,
//! traceroutes through network namespaces, DNS and HTTP against servers the tests
//! start), the `monitor probe` program as a real process, and the server's side:
//! probes registered and connected to the real server, measurements end to end (and
//! the probes they may run on), and the session's faults.

mod credits_live;
mod dns;
mod earnings;
mod eligible;
mod http;
mod in_flight;
mod measurements;
mod netns;
mod ping_trace;
mod program;
mod registry;
mod restart;
mod session;
