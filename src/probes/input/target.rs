//! Targets: an IP address or a hostname, checked and normalised.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::MAX_TARGETS;
use crate::error::{Error, Result};

/// What a measurement is aimed at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Target {
    Ip(IpAddr),
    /// A hostname in lower case, without a trailing dot.
    Host(String),
}

impl Target {
    /// Parses one target; the message says what is wrong.
    pub fn parse(raw: &str) -> Result<Target, String> {
        let raw = raw.trim();
        if let Ok(ip) = raw.trim_start_matches('[').trim_end_matches(']').parse() {
            return Ok(Target::Ip(ip));
        }
        let name = raw.strip_suffix('.').unwrap_or(raw).to_ascii_lowercase();
        let labels: Vec<&str> = name.split('.').collect();
        let valid_label = |label: &&str| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        // A last label of digits only is a mistyped address (`10.0.0`), not a name.
        let numeric_tld = labels
            .last()
            .is_some_and(|label| label.chars().all(|c| c.is_ascii_digit()));
        if name.is_empty() || name.len() > 253 || !labels.iter().all(valid_label) || numeric_tld {
            return Err(format!(
                "{raw:?} is neither an IP address nor a hostname (labels of letters, digits, \
                 '-' and '_', up to 63 characters each, 253 in all)"
            ));
        }
        Ok(Target::Host(name))
    }

    /// Parses a list of 1 to [`MAX_TARGETS`] targets at `at`, dropping repeats.
    pub fn parse_list(raw: &[String], at: &[&str]) -> Result<Vec<Target>> {
        if raw.is_empty() || raw.len() > MAX_TARGETS {
            return Err(Error::bad_input(
                at,
                format!(
                    "give 1 to {MAX_TARGETS} targets (got {}): IP addresses or hostnames",
                    raw.len()
                ),
            ));
        }
        let mut targets: Vec<Target> = Vec::with_capacity(raw.len());
        for (index, value) in raw.iter().enumerate() {
            let target = Target::parse(value).map_err(|message| {
                let index = index.to_string();
                let path: Vec<&str> = at.iter().copied().chain([index.as_str()]).collect();
                Error::bad_input(&path, message)
            })?;
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
        Ok(targets)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Ip(ip) => ip.fmt(f),
            Target::Host(name) => f.write_str(name),
        }
    }
}

impl TryFrom<String> for Target {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        Target::parse(&raw)
    }
}

impl From<Target> for String {
    fn from(target: Target) -> String {
        target.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::input::tests::bad_field;

    #[test]
    fn addresses_and_hostnames_are_targets() {
        for (raw, shown) in [
            ("192.0.2.7", "192.0.2.7"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("Example.COM.", "example.com"),
            ("localhost", "localhost"),
            ("_dmarc.example.com", "_dmarc.example.com"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ] {
            assert_eq!(Target::parse(raw).unwrap().to_string(), shown, "{raw}");
        }
    }

    #[test]
    fn what_is_neither_an_address_nor_a_hostname_is_refused() {
        let long_label = "a".repeat(64);
        let long_name = vec!["abcdefghi"; 26].join(".");
        for raw in [
            "",
            "10.0.0",
            "256.1.1.1",
            "-leading.example",
            "trailing-.example",
            "two..dots",
            "spa ce.example",
            "http://example.com",
            long_label.as_str(),
            long_name.as_str(),
        ] {
            assert!(Target::parse(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn a_target_list_holds_one_to_a_hundred_targets_without_repeats() {
        let at = &["input", "targets"];
        let hundred: Vec<String> = (0..100).map(|i| format!("192.0.2.{i}")).collect();
        assert_eq!(Target::parse_list(&hundred, at).unwrap().len(), 100);
        let mut too_many = hundred.clone();
        too_many.push("a.example".into());
        assert_eq!(bad_field(Target::parse_list(&too_many, at)).0, at);
        assert_eq!(bad_field(Target::parse_list(&[], at)).0, at);
        let repeated = vec!["a.example".to_string(), "A.example.".to_string()];
        assert_eq!(Target::parse_list(&repeated, at).unwrap().len(), 1);
    }

    #[test]
    fn a_bad_target_is_named_by_its_position() {
        let raw = vec!["a.example".to_string(), "not a host".to_string()];
        let (field, _) = bad_field(Target::parse_list(&raw, &["input", "targets"]));
        assert_eq!(field, ["input", "targets", "1"]);
    }

    #[test]
    fn targets_travel_as_plain_strings() {
        let target = Target::parse("2001:db8::1").unwrap();
        let json = serde_json::to_string(&target).unwrap();
        assert_eq!(json, "\"2001:db8::1\"");
        assert_eq!(serde_json::from_str::<Target>(&json).unwrap(), target);
        assert!(serde_json::from_str::<Target>("\"bad host\"").is_err());
    }
}
