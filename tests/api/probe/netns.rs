//! A three-hop path built of network namespaces and veth pairs, for traceroutes that
//! cross real routers: probe → router A → router B → target, with the addresses below
//! (the benchmarking range, 198.18.0.0/15), which exist only inside these namespaces.
//! It needs root (CI runs as root); without it the test fails, loudly.

use std::future::Future;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub const ROUTER_A: &str = "198.18.1.1";
pub const ROUTER_B: &str = "198.18.2.2";
pub const TARGET: &str = "198.18.3.2";

pub struct ThreeHops {
    namespaces: Vec<String>,
}

impl ThreeHops {
    /// Builds the path; the namespaces go away when it is dropped, even on failure.
    pub fn build() -> ThreeHops {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let tag = format!(
            "mon{}x{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        let [probe, a, b, target] = ["p", "a", "b", "t"].map(|role| format!("{tag}{role}"));
        let mut path = ThreeHops {
            namespaces: Vec::new(),
        };
        for namespace in [&probe, &a, &b, &target] {
            ip(&["netns", "add", namespace]);
            path.namespaces.push(namespace.clone());
            ip(&["-n", namespace, "link", "set", "lo", "up"]);
        }
        link(&probe, "198.18.1.2/24", &a, "198.18.1.1/24");
        link(&a, "198.18.2.1/24", &b, "198.18.2.2/24");
        link(&b, "198.18.3.1/24", &target, "198.18.3.2/24");
        ip(&["-n", &probe, "route", "add", "default", "via", ROUTER_A]);
        ip(&["-n", &a, "route", "add", "198.18.3.0/24", "via", ROUTER_B]);
        ip(&[
            "-n",
            &b,
            "route",
            "add",
            "198.18.1.0/24",
            "via",
            "198.18.2.1",
        ]);
        ip(&[
            "-n",
            &target,
            "route",
            "add",
            "default",
            "via",
            "198.18.3.1",
        ]);
        for namespace in [&a, &b, &target] {
            // Routers forward; nobody rate-limits the ICMP errors a trace lives on.
            let sysctl = "echo 1 > /proc/sys/net/ipv4/ip_forward && \
                          echo 0 > /proc/sys/net/ipv4/icmp_ratelimit";
            run("ip", &["netns", "exec", namespace, "sh", "-c", sysctl]);
        }
        path
    }

    /// Runs `work` on a thread of its own that has entered the probe's namespace, so
    /// every socket it opens lives there.
    pub async fn in_probe<F, Fut, T>(&self, work: F) -> T
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = T>,
        T: Send + 'static,
    {
        let namespace = format!("/run/netns/{}", self.namespaces[0]);
        tokio::task::spawn_blocking(move || {
            let file = std::fs::File::open(&namespace).expect("the probe's namespace");
            nix::sched::setns(file, nix::sched::CloneFlags::CLONE_NEWNET)
                .expect("entering the probe's namespace (needs root)");
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(work())
        })
        .await
        .expect("the namespaced thread")
    }
}

impl Drop for ThreeHops {
    fn drop(&mut self) {
        for namespace in &self.namespaces {
            let _ = Command::new("ip")
                .args(["netns", "del", namespace])
                .status();
        }
    }
}

/// A veth pair from `left` to `right`, each end addressed and up.
fn link(left: &str, left_address: &str, right: &str, right_address: &str) {
    let (left_end, right_end) = (format!("to-{right}"), format!("to-{left}"));
    // Interface names hold at most 15 bytes: keep the role letters only.
    let short = |name: &str| format!("v{}", &name[name.len() - 1..]);
    let (left_end, right_end) = (short(&left_end), short(&right_end));
    ip(&[
        "-n", left, "link", "add", &left_end, "type", "veth", "peer", "name", &right_end, "netns",
        right,
    ]);
    ip(&["-n", left, "addr", "add", left_address, "dev", &left_end]);
    ip(&["-n", right, "addr", "add", right_address, "dev", &right_end]);
    ip(&["-n", left, "link", "set", &left_end, "up"]);
    ip(&["-n", right, "link", "set", &right_end, "up"]);
}

fn ip(args: &[&str]) {
    run("ip", args);
}

fn run(program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {program}: {error}"));
    assert!(
        output.status.success(),
        "{program} {} failed (network namespaces need root and iproute2): {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
}
