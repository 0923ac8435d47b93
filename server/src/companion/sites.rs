//! The site registry: which partner sites may embed the widget, from which
//! origins, with which topics.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The key partners put in `data-site`.
    pub key: String,
    /// Origins allowed to embed the widget and post to the companion:
    /// `https://example.org`, or a port wildcard such as `http://localhost:*`.
    pub origins: Vec<String>,
    /// Topic ids this site may collect; empty means every topic.
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

impl Site {
    /// The demo site: any page served from this machine may embed it.
    pub fn demo() -> Self {
        Self {
            key: "demo".into(),
            origins: vec!["http://localhost:*".into(), "http://127.0.0.1:*".into()],
            topics: Vec::new(),
            enabled: true,
        }
    }

    pub fn check(&self) -> Result<(), String> {
        if !gdc_core::submission::is_site_key(&self.key) {
            return Err(format!("site key {:?} must be 1-64 of a-z, 0-9, - and _", self.key));
        }
        for origin in &self.origins {
            if OriginPattern::parse(origin).is_none() {
                return Err(format!("site {}: origin {origin:?} is not scheme://host[:port|:*]", self.key));
            }
        }
        let list = self.topics.join(",");
        let (_, unknown) = gdc_core::consultation::DEFAULT.select_topics(&list);
        if !unknown.is_empty() {
            return Err(format!("site {}: unknown topics {unknown:?}", self.key));
        }
        Ok(())
    }

    /// Whether a browser `Origin` header value is one of this site's.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.origins.iter().filter_map(|p| OriginPattern::parse(p)).any(|p| p.matches(origin))
    }

    /// The topics the site allows, or `None` for all.
    pub fn allowed_topics(&self) -> Option<&[String]> {
        (!self.topics.is_empty()).then_some(self.topics.as_slice())
    }

    /// The `frame-ancestors` sources: CSP's own syntax accepts `:*` ports.
    pub fn frame_ancestors(&self) -> String {
        self.origins.join(" ")
    }
}

/// The origin (`scheme://host[:port]`, lower case) of an absolute http(s)
/// URL, or `None` when it is not one.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let origin = format!("{scheme}://{authority}").to_ascii_lowercase();
    OriginPattern::parse(&origin).filter(|p| p.port != Some("*"))?;
    Some(origin)
}

/// `scheme://host[:port]` with `*` allowed only as the whole port.
#[derive(Debug, PartialEq, Eq)]
struct OriginPattern<'a> {
    scheme: &'a str,
    host: &'a str,
    port: Option<&'a str>,
}

impl<'a> OriginPattern<'a> {
    fn parse(s: &'a str) -> Option<Self> {
        let (scheme, rest) = s.split_once("://")?;
        if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.contains('/') {
            return None;
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if p == "*" || (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) => (h, Some(p)),
            Some(_) => return None,
            None => (rest, None),
        };
        let host_ok = !host.is_empty()
            && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'));
        host_ok.then_some(Self { scheme, host, port })
    }

    fn matches(&self, origin: &str) -> bool {
        let Some(o) = OriginPattern::parse(origin) else {
            return false;
        };
        if o.port == Some("*") || o.scheme != self.scheme || !o.host.eq_ignore_ascii_case(self.host) {
            return false;
        }
        match self.port {
            Some("*") => true,
            Some(p) => o.port == Some(p),
            None => o.port.is_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(origins: &[&str]) -> Site {
        Site { origins: origins.iter().map(|s| s.to_string()).collect(), ..Site::demo() }
    }

    #[test]
    fn exact_origins_match_only_themselves() {
        let s = site(&["https://ngo.example"]);
        assert!(s.allows_origin("https://ngo.example"));
        assert!(s.allows_origin("https://NGO.example"));
        assert!(!s.allows_origin("http://ngo.example"));
        assert!(!s.allows_origin("https://ngo.example:8443"));
        assert!(!s.allows_origin("https://evil-ngo.example"));
        assert!(!s.allows_origin("https://ngo.example.evil"));
        assert!(!s.allows_origin("null"));
    }

    #[test]
    fn a_port_wildcard_matches_any_port_of_that_host() {
        let s = Site::demo();
        assert!(s.allows_origin("http://localhost:8080"));
        assert!(s.allows_origin("http://127.0.0.1:41234"));
        // As in CSP, `:*` also covers the scheme's default port.
        assert!(s.allows_origin("http://localhost"));
        assert!(!s.allows_origin("http://localhost.evil:80"));
        assert!(!s.allows_origin("https://localhost:8080"));
    }

    #[test]
    fn a_public_url_gives_its_origin() {
        assert_eq!(origin_of("https://Consult.Example.org/widget/").as_deref(), Some("https://consult.example.org"));
        assert_eq!(origin_of("http://127.0.0.1:8080").as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(origin_of("ftp://x.org"), None);
        assert_eq!(origin_of("consult.example.org"), None);
        assert_eq!(origin_of("https://x.org:*"), None);
    }

    #[test]
    fn malformed_patterns_are_refused_by_check() {
        assert!(site(&["ngo.example"]).check().is_err());
        assert!(site(&["https://ngo.example/path"]).check().is_err());
        assert!(site(&["https://*.example"]).check().is_err());
        assert!(Site::demo().check().is_ok());
    }
}
