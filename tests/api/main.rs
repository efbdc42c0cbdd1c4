//! Integration tests: one binary (one link), a module per capability. Each test starts
//! the real `monitor` server and talks to it over HTTP and websockets.

mod helpers;
mod ws;

mod audit;
mod auth;
mod backup;
mod durability;
mod graphql_over_http;
mod health;
mod schema;
mod users;
mod websocket;
