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
mod damage;
mod disk;
mod durability;
mod faults;
mod graphql_over_http;
mod health;
mod limits;
mod logs;
mod operations;
mod schema;
mod servers;
mod stacks;
mod stacks_on_agents;
mod users;
mod websocket;
