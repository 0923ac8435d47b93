//! Who is asking, and how often: the client's IP (believing
//! `X-Forwarded-For` only from configured proxies) and per-IP and per-site
//! rate limits (governor's GCRA), answered with 429 and `Retry-After`.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::LimitsConfig;

/// The client address a request is attributed to, set by [`client_ip`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Middleware: works out the client's IP and stores it in the request.
pub async fn client_ip(State(trusted): State<std::sync::Arc<Vec<IpAddr>>>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    // Every line, in order: a proxy may append a line of its own rather
    // than extend the client's, and the client writes the first.
    let lines: Vec<&str> = req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    let forwarded = (!lines.is_empty()).then(|| lines.join(","));
    let ip = resolve_client_ip(peer, forwarded.as_deref(), &trusted);
    req.extensions_mut().insert(ClientIp(ip));
    next.run(req).await
}

/// The peer, unless it is a trusted proxy: then the right-most address in
/// `X-Forwarded-For` that is not itself a trusted proxy. Entries to the left
/// of that one were written by the client and prove nothing.
pub fn resolve_client_ip(peer: Option<IpAddr>, forwarded: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    let peer = peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(list) = forwarded else { return peer };
    let mut last = peer;
    for entry in list.rsplit(',') {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => last = ip,
            Ok(ip) => return ip,
            Err(_) => return last,
        }
    }
    last
}

/// The address a rate limit counts against: IPv4 as is, IPv6 by its /64.
/// One IPv6 subscriber usually holds a whole /64, so keying by the full
/// address would give each of them 2^64 budgets.
pub fn rate_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
    }
}

/// Middleware: the per-IP limit for reads anyone may repeat (published
/// contributions, readiness, metrics), answered with 429 and `Retry-After`.
pub async fn throttle_reads(State(reads): State<ReadLimit>, req: Request, next: Next) -> Response {
    if let Some(ClientIp(ip)) = req.extensions().get::<ClientIp>().copied()
        && let Err(l) = reads.limits.check_read(ip)
    {
        return refuse(&reads.metrics, l).into_response();
    }
    next.run(req).await
}

/// The read limit's state: the limits and where refusals are counted.
#[derive(Debug, Clone)]
pub struct ReadLimit {
    pub limits: std::sync::Arc<RateLimits>,
    pub metrics: std::sync::Arc<crate::ops::metrics::Metrics>,
}

/// The 429 for a limit a request ran into, counted by scope.
pub fn refuse(metrics: &crate::ops::metrics::Metrics, l: Limited) -> crate::http::error::ApiError {
    metrics.rate_limited.get_or_create(&crate::ops::metrics::ScopeLabel { scope: l.scope }).inc();
    crate::http::error::ApiError::TooManyRequests {
        retry_after_secs: l.retry_after.as_secs_f64().ceil().max(1.0) as u64,
    }
}

#[derive(Debug)]
pub struct RateLimits {
    reads: DefaultKeyedRateLimiter<IpAddr>,
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_site: DefaultKeyedRateLimiter<String>,
}

/// Which limit a request ran into, and when to come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    pub scope: &'static str,
    pub retry_after: Duration,
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).expect("at least one")
}

impl RateLimits {
    pub fn new(config: &LimitsConfig) -> Self {
        let per_ip = Quota::per_minute(nonzero(config.per_ip_per_minute)).allow_burst(nonzero(config.per_ip_burst));
        let per_site =
            Quota::per_second(nonzero(config.per_site_per_second)).allow_burst(nonzero(config.per_site_burst));
        let reads =
            Quota::per_minute(nonzero(config.reads_per_ip_per_minute)).allow_burst(nonzero(config.reads_per_ip_burst));
        Self {
            reads: DefaultKeyedRateLimiter::keyed(reads),
            per_ip: DefaultKeyedRateLimiter::keyed(per_ip),
            per_site: DefaultKeyedRateLimiter::keyed(per_site),
        }
    }

    pub fn check_read(&self, ip: IpAddr) -> Result<(), Limited> {
        self.reads.check_key(&rate_key(ip)).map_err(|not_until| Limited {
            scope: "read",
            retry_after: not_until.wait_time_from(DefaultClock::default().now()),
        })
    }

    pub fn check_ip(&self, ip: IpAddr) -> Result<(), Limited> {
        self.per_ip.check_key(&rate_key(ip)).map_err(|not_until| Limited {
            scope: "ip",
            retry_after: not_until.wait_time_from(DefaultClock::default().now()),
        })
    }

    pub fn check_site(&self, site: &String) -> Result<(), Limited> {
        self.per_site.check_key(site).map_err(|not_until| Limited {
            scope: "site",
            retry_after: not_until.wait_time_from(DefaultClock::default().now()),
        })
    }

    /// Forgets keys whose limits have fully recovered, so memory follows
    /// the number of recent clients rather than of all clients ever.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_site.retain_recent();
        self.reads.retain_recent();
        self.per_ip.shrink_to_fit();
        self.reads.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let trusted = [ip("10.0.0.1")];
        assert_eq!(resolve_client_ip(Some(ip("203.0.113.9")), Some("1.2.3.4"), &trusted), ip("203.0.113.9"));
        assert_eq!(resolve_client_ip(Some(ip("10.0.0.1")), Some("1.2.3.4"), &trusted), ip("1.2.3.4"));
        assert_eq!(resolve_client_ip(Some(ip("10.0.0.1")), None, &trusted), ip("10.0.0.1"));
    }

    #[test]
    fn a_client_cannot_spoof_past_the_proxy_chain() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        // The client wrote "6.6.6.6"; the proxies appended the real address.
        let header = "6.6.6.6, 198.51.100.7, 10.0.0.2";
        assert_eq!(resolve_client_ip(Some(ip("10.0.0.1")), Some(header), &trusted), ip("198.51.100.7"));
        assert_eq!(resolve_client_ip(Some(ip("10.0.0.1")), Some("garbage, 10.0.0.2"), &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn ipv6_clients_share_a_budget_per_64_and_mapped_ipv4_is_ipv4() {
        let limits = RateLimits::new(&LimitsConfig { per_ip_per_minute: 60, per_ip_burst: 2, ..Default::default() });
        limits.check_ip(ip("2001:db8:1:2::1")).unwrap();
        limits.check_ip(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")).unwrap();
        limits.check_ip(ip("2001:db8:1:2:abcd::9")).expect_err("the same /64");
        limits.check_ip(ip("2001:db8:1:3::1")).expect("another /64");
        assert_eq!(rate_key(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
    }

    #[test]
    fn a_client_line_before_the_proxy_line_is_not_believed() {
        // The client sent its own X-Forwarded-For; the proxy added a second
        // line instead of extending the first: both lines count, in order.
        let trusted = [ip("10.0.0.1")];
        let joined = ["6.6.6.6", "198.51.100.7"].join(",");
        assert_eq!(resolve_client_ip(Some(ip("10.0.0.1")), Some(&joined), &trusted), ip("198.51.100.7"));
    }

    #[test]
    fn the_burst_passes_then_the_limit_answers_with_a_wait() {
        let limits = RateLimits::new(&LimitsConfig { per_ip_per_minute: 60, per_ip_burst: 3, ..Default::default() });
        let a = ip("192.0.2.1");
        for _ in 0..3 {
            limits.check_ip(a).unwrap();
        }
        let limited = limits.check_ip(a).unwrap_err();
        assert_eq!(limited.scope, "ip");
        assert!(limited.retry_after > Duration::ZERO && limited.retry_after <= Duration::from_secs(1));
        limits.check_ip(ip("192.0.2.2")).expect("another client has its own budget");
    }
}
