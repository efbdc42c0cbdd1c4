//! Prometheus metrics, served at `/metrics` in the OpenMetrics text format.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RejectLabels {
    /// Why: `malformed`, `oversized`, `binary`, `unexpected`, `result`.
    pub reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TaskLabels {
    /// The kind of background loop, e.g. `server`.
    pub task: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HeapLabels {
    /// `arenas` (small allocations) or `own_mappings` (large ones, each mapped alone).
    pub allocated_in: &'static str,
}

/// Every metric monitor exports, registered once at start.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub request_seconds: Family<RouteLabels, Histogram>,
    pub websocket_connections: Gauge,
    pub task_restarts: Family<TaskLabels, Counter>,
    pub probe_connections: Gauge,
    pub probe_handshakes_refused: Counter,
    pub probe_results_stored: Counter,
    pub probe_messages_rejected: Family<RejectLabels, Counter>,
    /// Objects answered from memory in one pass (see [`crate::graphql::at_hand`]).
    pub graphql_objects_at_hand: Counter,
    pub apps_sync: SyncMetrics,
    /// Read when `/metrics` is rendered; absent where the allocator cannot say.
    heap_in_use: Option<Family<HeapLabels, Gauge>>,
}

/// What the cluster sync counts.
#[derive(Clone, Debug, Default)]
pub struct SyncMetrics {
    /// Lists of the cluster's resources taken in whole (at start, and after a 410).
    pub relists: Counter,
    /// Errors of the watch (each retried with backoff) and ends of it.
    pub watch_failures: Counter,
}

impl Metrics {
    /// Registers every metric; `store_round_trips` is the store's own count.
    pub fn new(store_round_trips: Counter) -> Metrics {
        let mut registry = Registry::with_prefix("monitor");
        let requests = Family::<RequestLabels, Counter>::default();
        let request_seconds = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        let websocket_connections = Gauge::default();
        let task_restarts = Family::<TaskLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (websockets: to upgrade)",
            request_seconds.clone(),
        );
        registry.register(
            "websocket_connections",
            "Open GraphQL websocket connections",
            websocket_connections.clone(),
        );
        registry.register(
            "store_round_trips",
            "Requests sent to the store (one request may hold several statements)",
            store_round_trips,
        );
        registry.register(
            "task_restarts",
            "Background tasks restarted after an error or a panic",
            task_restarts.clone(),
        );
        let probe_connections = Gauge::default();
        let probe_handshakes_refused = Counter::default();
        let probe_results_stored = Counter::default();
        let probe_messages_rejected = Family::<RejectLabels, Counter>::default();
        registry.register(
            "probe_connections",
            "Probes connected now",
            probe_connections.clone(),
        );
        registry.register(
            "probe_handshakes_refused",
            "Probe connections refused for a bad or revoked token",
            probe_handshakes_refused.clone(),
        );
        registry.register(
            "probe_results_stored",
            "Results probes delivered and monitor acknowledged (repeats included)",
            probe_results_stored.clone(),
        );
        registry.register(
            "probe_messages_rejected",
            "Messages from probes refused and never stored, by reason",
            probe_messages_rejected.clone(),
        );
        let graphql_objects_at_hand = Counter::default();
        registry.register(
            "graphql_objects_at_hand",
            "GraphQL objects (and everything under them) answered from memory in one pass, \
             without the executor; a page answered so counts once",
            graphql_objects_at_hand.clone(),
        );
        let apps_sync = SyncMetrics::default();
        registry.register(
            "apps_sync_relists",
            "Lists of the cluster's graph resources the sync has taken in whole (at start, \
             after 410 Gone)",
            apps_sync.relists.clone(),
        );
        registry.register(
            "apps_sync_watch_failures",
            "Errors of the cluster sync's watch of graph resources (each retried with \
             backoff) and ends of it",
            apps_sync.watch_failures.clone(),
        );
        let heap_in_use = crate::resident::heap_in_use().map(|_| {
            let gauges = Family::<HeapLabels, Gauge>::default();
            registry.register_with_unit(
                "heap_in_use",
                "Memory the allocator has handed out and not had back (glibc's mallinfo2): \
                 small allocations in its arenas, and large ones in mappings of their own, \
                 counted whole even where never touched. Unlike RSS, it leaves out the \
                 executable's pages and the heap's free space",
                prometheus_client::registry::Unit::Bytes,
                gauges.clone(),
            );
            gauges
        });
        Metrics {
            registry,
            requests,
            request_seconds,
            websocket_connections,
            task_restarts,
            probe_connections,
            probe_handshakes_refused,
            probe_results_stored,
            probe_messages_rejected,
            graphql_objects_at_hand,
            apps_sync,
            heap_in_use,
        }
    }

    /// Counts a probe's message refused for `reason`.
    pub fn rejected_probe_message(&self, reason: &'static str) {
        self.probe_messages_rejected
            .get_or_create(&RejectLabels { reason })
            .inc();
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        if let (Some(gauges), Some(heap)) = (&self.heap_in_use, crate::resident::heap_in_use()) {
            for (allocated_in, bytes) in
                [("arenas", heap.arenas), ("own_mappings", heap.own_mappings)]
            {
                let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
                gauges
                    .get_or_create(&HeapLabels { allocated_in })
                    .set(bytes);
            }
        }
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            tracing::error!("could not encode metrics");
        }
        out
    }
}

/// Middleware counting and timing every request by route template (not raw path, so
/// ids in paths do not explode the label set).
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "fallback".to_string(), |path| path.as_str().to_string());
    let response = next.run(request).await;
    metrics
        .request_seconds
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}
