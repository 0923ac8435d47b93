//! Integration tests: the real server on a random loopback port with fresh
//! SQLite files, spoken to over HTTP.

mod abuse;
mod assets;
mod central;
mod central_storage;
mod configurator;
mod forwarding;
mod helpers;
mod hostile;
mod limits;
mod ops;
mod reference;
mod rules;
mod served;
mod storage;
mod submissions;
mod trust;
