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
mod container_page;
mod containers;
mod durability;
mod engine_resources;
mod faults;
mod graphql_over_http;
mod health;
mod logs;
mod operations;
mod schema;
mod servers;
mod shell;
mod stacks;
mod stacks_on_agents;
mod start_up;
mod users;
mod websocket;
