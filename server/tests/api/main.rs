//! Integration tests: the real server on a random loopback port with fresh
//! SQLite files, spoken to over HTTP.

mod assets;
mod central;
mod helpers;
mod submissions;
