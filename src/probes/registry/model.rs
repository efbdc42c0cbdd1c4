//! What a probe is: its stored registration, and the view users read, with its live
//! connection state.

use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use crate::store::record_key;

/// A probe as stored. Its token is kept only as a SHA-256 hash, as API tokens are.
#[derive(Debug, Clone, SurrealValue)]
pub struct ProbeRow {
    pub id: RecordId,
    pub name: String,
    /// The user who registered it.
    pub owner_id: String,
    pub latitude: f64,
    pub longitude: f64,
    pub tags: Vec<String>,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// What the probe said in its last `hello` and clock exchange.
    pub last_seen_at: Option<DateTime<Utc>>,
    pub software_version: Option<String>,
    pub capacity: Option<i64>,
    pub clock_offset_micros: Option<i64>,
}

impl ProbeRow {
    pub fn key(&self) -> String {
        record_key(&self.id)
    }

    pub fn to_probe(&self) -> Probe {
        Probe {
            id: ID(self.key()),
            name: self.name.clone(),
            location: Location {
                latitude: self.latitude,
                longitude: self.longitude,
            },
            tags: self.tags.clone(),
            created_at: self.created_at,
            revoked_at: self.revoked_at,
            software_version: self.software_version.clone(),
            clock_offset_ms: self
                .clock_offset_micros
                .map(|micros| micros as f64 / 1000.0),
            owner_id: self.owner_id.clone(),
            stored_last_seen_at: self.last_seen_at,
            stored_capacity: self.capacity.map(|capacity| capacity as i32),
        }
    }
}

/// A point on Earth, in decimal degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, SimpleObject, InputObject)]
#[graphql(input_name = "LocationInput")]
pub struct Location {
    /// -90 to 90.
    pub latitude: f64,
    /// -180 to 180.
    pub longitude: f64,
}

impl Location {
    /// The great-circle distance to `other`, in kilometres (haversine).
    pub fn distance_km(&self, other: &Location) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6371.0;
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let d_lat = lat2 - lat1;
        let d_lon = (other.longitude - self.longitude).to_radians();
        let a = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

/// A probe: a `monitor probe` process somewhere, measuring the network for monitor.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Probe {
    pub id: ID,
    pub name: String,
    pub location: Location,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// When its token was revoked; a revoked probe cannot connect.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The `monitor` version it last said it runs.
    pub software_version: Option<String>,
    /// Its clock minus the server's at its last connect, in ms (NTP-style exchange).
    pub clock_offset_ms: Option<f64>,
    #[graphql(skip)]
    pub owner_id: String,
    #[graphql(skip)]
    pub stored_last_seen_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub stored_capacity: Option<i32>,
}

impl Probe {
    /// The view recorded in the audit log.
    pub fn audit_view(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "location": { "latitude": self.location.latitude, "longitude": self.location.longitude },
            "tags": self.tags,
            "revokedAt": self.revoked_at,
        })
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct RegisterProbeInput {
    /// How people will know it, e.g. `fra-1`; unique.
    pub name: String,
    pub location: Location,
    /// Labels to choose probes by, e.g. `eu`, `isp-a`.
    #[graphql(default)]
    pub tags: Vec<String>,
}

#[derive(SimpleObject)]
pub struct RegisteredProbe {
    /// The probe's token, shown this once: put it in the file `monitor probe
    /// --token-file` reads. It is stored only as a hash.
    pub token: String,
    pub probe: Probe,
}

#[derive(InputObject)]
pub struct RevokeProbeInput {
    pub id: ID,
}

#[derive(InputObject)]
pub struct DeleteProbeInput {
    pub id: ID,
}

/// Which probes a list shows; every condition given must hold.
#[derive(Debug, Clone, Default, InputObject)]
pub struct ProbeFilter {
    /// Probes connected now (true) or not (false).
    pub connected: Option<bool>,
    /// Probes carrying every one of these tags.
    pub tags: Option<Vec<String>>,
    /// Probes registered by this user.
    pub owner_id: Option<ID>,
    /// Include revoked probes (left out by default).
    #[graphql(default)]
    pub include_revoked: bool,
}

/// A change to a probe, as `probeUpdated` streams it.
#[derive(Debug, Clone)]
pub struct ProbeChange {
    pub probe_id: String,
}
