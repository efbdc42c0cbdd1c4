//! An HTTP server for the fakes that can go down and come back on the same port: going
//! down closes the listening socket and drops every open connection (a watch stream ends
//! the way it ends when an API server dies), coming back listens again.

use std::net::SocketAddr;
use std::sync::Mutex;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpSocket;
use tokio::task::{JoinHandle, JoinSet};
use tower::Service;

pub struct RestartableServer {
    pub address: SocketAddr,
    router: Router,
    running: Mutex<Option<JoinHandle<()>>>,
}

impl RestartableServer {
    /// Listens on a free loopback port.
    pub async fn start(router: Router) -> RestartableServer {
        let mut server = RestartableServer {
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            router,
            running: Mutex::new(None),
        };
        server.address = server.listen().await;
        server
    }

    async fn listen(&self) -> SocketAddr {
        let socket = TcpSocket::new_v4().expect("a socket");
        socket.set_reuseaddr(true).expect("SO_REUSEADDR");
        socket.bind(self.address).expect("the port is free");
        let listener = socket.listen(128).expect("listen");
        let address = listener.local_addr().expect("an address");
        let router = self.router.clone();
        let task = tokio::spawn(async move {
            // Dropping this set when the task is aborted closes every connection.
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let router = router.clone();
                connections.spawn(async move {
                    let service =
                        hyper::service::service_fn(move |request| router.clone().call(request));
                    let _ = auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
                while connections.try_join_next().is_some() {}
            }
        });
        *self.running.lock().expect("server lock") = Some(task);
        address
    }

    /// Closes the port and every connection: clients now get "connection refused".
    pub async fn go_down(&self) {
        let task = self.running.lock().expect("server lock").take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same port.
    pub async fn come_back(&self) {
        if self.running.lock().expect("server lock").is_none() {
            self.listen().await;
        }
    }
}

impl Drop for RestartableServer {
    fn drop(&mut self) {
        if let Some(task) = self.running.lock().expect("server lock").take() {
            task.abort();
        }
    }
}
