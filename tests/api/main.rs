//! Integration tests: one binary (one link), a module per capability. Each test starts
//! the real `monitor` server and talks to it over HTTP and websockets.

mod dockerd;
mod gitrepo;
mod helpers;
mod registry;
mod ws;

mod agent;
mod audit;
mod auth;
mod backup;
mod containers;
mod durability;
mod faults;
mod graphql_over_http;
mod health;
mod logs;
mod operations;
mod relations;
mod schema;
mod servers;
mod stacks;
mod stacks_on_agents;
mod users;
mod websocket;
