//! HTTP parameters: the URL (http or https), method GET, HEAD or OPTIONS, up to 32
//! request headers, a timeout of 1–30 s (10), and an expected status. The probe reads at
//! most 10 KB of the body. Targets, when given, are where the probe connects instead of
//! the URL's host, which still names the site (`Host`, TLS server name), so one URL can
//! be checked on each of several addresses.

use serde::{Deserialize, Serialize};

use super::{Target, check_range, choice, field, narrow};
use crate::error::{Error, Result};

/// At most this many request headers.
pub const MAX_HEADERS: usize = 32;
/// The probe reads at most this much of a response body.
pub const MAX_BODY_BYTES: usize = 10 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Head,
    Options,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpInput {
    pub url: Option<String>,
    /// `GET`, `HEAD` or `OPTIONS`.
    pub method: Option<String>,
    /// Name and value of each request header.
    pub headers: Vec<(String, String)>,
    pub timeout_seconds: Option<i64>,
    pub expected_status: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpParams {
    pub url: String,
    pub method: HttpMethod,
    pub headers: Vec<(String, String)>,
    pub timeout_seconds: u32,
    pub expected_status: Option<u16>,
}

/// Headers the probe sets itself from the URL and the body it reads.
const RESERVED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "te",
];

impl HttpInput {
    /// Fills the defaults and checks every bound; `at` is where the params sit.
    pub fn parse(self, at: &[&str]) -> Result<super::MeasurementParams> {
        let Some(url) = self.url else {
            return Err(Error::bad_input(
                &field(at, "url"),
                "an HTTP measurement needs a URL, e.g. https://example.com/health",
            ));
        };
        let method = match self.method.as_deref() {
            None => HttpMethod::Get,
            Some(raw) => choice(
                raw,
                &[
                    ("GET", HttpMethod::Get),
                    ("HEAD", HttpMethod::Head),
                    ("OPTIONS", HttpMethod::Options),
                ],
                at,
                "method",
            )?,
        };
        if let Some(status) = self.expected_status {
            check_range(status, 100..=599, at, "expectedStatus", "")?;
        }
        let params = HttpParams {
            url: url.trim().to_string(),
            method,
            headers: self
                .headers
                .into_iter()
                .map(|(name, value)| (name.trim().to_ascii_lowercase(), value))
                .collect(),
            timeout_seconds: narrow(self.timeout_seconds, 10, 1..=30, at, "timeoutSeconds", " s")?,
            expected_status: self.expected_status.map(|status| status as u16),
        };
        params.check(at)?;
        Ok(super::MeasurementParams::Http(params))
    }
}

impl HttpParams {
    pub fn check(&self, at: &[&str]) -> Result<()> {
        self.parsed_url(at)?;
        check_range(
            self.timeout_seconds.into(),
            1..=30,
            at,
            "timeoutSeconds",
            " s",
        )?;
        if let Some(status) = self.expected_status {
            check_range(status.into(), 100..=599, at, "expectedStatus", "")?;
        }
        if self.headers.len() > MAX_HEADERS {
            return Err(Error::bad_input(
                &field(at, "headers"),
                format!("at most {MAX_HEADERS} headers (got {})", self.headers.len()),
            ));
        }
        for (index, (name, value)) in self.headers.iter().enumerate() {
            let index = index.to_string();
            let path = [field(at, "headers"), vec![index.as_str()]].concat();
            let valid = http::HeaderName::from_bytes(name.as_bytes()).is_ok()
                && http::HeaderValue::from_str(value).is_ok()
                && value.len() <= 1024;
            if !valid {
                return Err(Error::bad_input(
                    &path,
                    "a header is a token name and a printable value of at most 1024 bytes",
                ));
            }
            if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                return Err(Error::bad_input(
                    &path,
                    format!("the probe sets {name} itself (from the URL and what it reads)"),
                ));
            }
        }
        Ok(())
    }

    /// The URL, parsed.
    pub fn parsed_url(&self, at: &[&str]) -> Result<url::Url> {
        let path = field(at, "url");
        let invalid = |why: &str| Error::bad_input(&path, format!("{why} (got {:?})", self.url));
        if self.url.len() > 2048 {
            return Err(invalid("a URL is at most 2048 characters"));
        }
        let url = url::Url::parse(&self.url).map_err(|_| invalid("not a URL"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the URL must be http:// or https://"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "credentials in the URL would be sent to every probe; use a header",
            ));
        }
        match url.host_str() {
            Some(host) if Target::parse(host).is_ok() => Ok(url),
            _ => Err(invalid(
                "the URL's host must be an IP address or a hostname",
            )),
        }
    }

    /// The URL's host as a target.
    pub fn url_host(&self) -> Result<Target> {
        let url = self.parsed_url(&["input", "params"])?;
        let host = url.host_str().unwrap_or_default();
        Target::parse(host)
            .map_err(|message| Error::bad_input(&["input", "params", "url"], message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::input::MeasurementParams;
    use crate::probes::input::tests::{AT, bad_field};

    fn http(input: HttpInput) -> Result<HttpParams> {
        match input.parse(AT)? {
            MeasurementParams::Http(params) => Ok(params),
            other => panic!("not HTTP params: {other:?}"),
        }
    }

    fn url(url: &str) -> HttpInput {
        HttpInput {
            url: Some(url.into()),
            ..Default::default()
        }
    }

    #[test]
    fn the_defaults_are_a_get_with_a_ten_second_timeout() {
        let params = http(url("https://example.com/health")).unwrap();
        assert_eq!(params.method, HttpMethod::Get);
        assert_eq!((params.timeout_seconds, params.expected_status), (10, None));
    }

    #[test]
    fn only_http_and_https_urls_with_a_host_and_no_credentials_are_taken() {
        assert!(http(url("http://192.0.2.1:8080/x?y=1")).is_ok());
        assert!(http(url("https://[2001:db8::1]/")).is_ok());
        let long = format!("https://example.com/{}", "a".repeat(2048));
        for bad in [
            "ftp://example.com/",
            "example.com",
            "https://user:secret@example.com/",
            "https://",
            long.as_str(),
        ] {
            assert_eq!(
                bad_field(http(url(bad))).0,
                ["input", "params", "url"],
                "{bad}"
            );
        }
        assert_eq!(
            bad_field(http(HttpInput::default())).0,
            ["input", "params", "url"]
        );
    }

    #[test]
    fn method_timeout_and_expected_status_bounds_hold() {
        let with = |method: &str, timeout, status| HttpInput {
            method: Some(method.into()),
            timeout_seconds: Some(timeout),
            expected_status: status,
            ..url("https://example.com/")
        };
        assert!(http(with("HEAD", 1, Some(100))).is_ok());
        assert!(http(with("OPTIONS", 30, Some(599))).is_ok());
        assert_eq!(
            bad_field(http(with("POST", 1, None))).0,
            ["input", "params", "method"]
        );
        assert_eq!(
            bad_field(http(with("GET", 0, None))).0,
            ["input", "params", "timeoutSeconds"]
        );
        assert_eq!(
            bad_field(http(with("GET", 31, None))).0,
            ["input", "params", "timeoutSeconds"]
        );
        assert_eq!(
            bad_field(http(with("GET", 5, Some(99)))).0,
            ["input", "params", "expectedStatus"]
        );
        assert_eq!(
            bad_field(http(with("GET", 5, Some(600)))).0,
            ["input", "params", "expectedStatus"]
        );
    }

    #[test]
    fn up_to_32_valid_headers_are_taken_and_reserved_ones_refused() {
        let headers = |count: usize| HttpInput {
            headers: (0..count)
                .map(|i| (format!("x-h{i}"), "v".into()))
                .collect(),
            ..url("https://example.com/")
        };
        assert_eq!(http(headers(32)).unwrap().headers.len(), 32);
        assert_eq!(
            bad_field(http(headers(33))).0,
            ["input", "params", "headers"]
        );
        for (name, value) in [("Host", "x"), ("bad name", "x"), ("x-ok", "line\nbreak")] {
            let input = HttpInput {
                headers: vec![("x-first".into(), "1".into()), (name.into(), value.into())],
                ..url("https://example.com/")
            };
            assert_eq!(
                bad_field(http(input)).0,
                ["input", "params", "headers", "1"],
                "{name}"
            );
        }
    }
}
