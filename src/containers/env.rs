//! A container's environment as monitor shows it: values that look secret are masked
//! for everyone unless an OPERATOR asks to see them.
//!
//! A name is secret-looking when it contains one of [`SECRET_WORDS`] (upper-cased), and
//! a value is when it is a URL carrying a password (`postgres://app:hunter2@db/app`).
//! Erring on the side of masking costs a click; a password on a screen shared in an
//! incident call costs a rotation.

use async_graphql::SimpleObject;

/// Parts of a variable's name that mark its value as secret.
pub const SECRET_WORDS: [&str; 12] = [
    "PASS",
    "SECRET",
    "TOKEN",
    "KEY",
    "CREDENTIAL",
    "PRIVATE",
    "AUTH",
    "SALT",
    "COOKIE",
    "SESSION",
    "CERT",
    "DSN",
];

/// What a masked value shows instead.
pub const MASK: &str = "••••••";

/// One `NAME=value` of a container's environment.
#[derive(Debug, Clone, PartialEq, SimpleObject)]
pub struct EnvironmentVariable {
    pub name: String,
    /// The value, or `••••••` when it is secret and was not revealed.
    pub value: String,
    /// Whether the value looks secret (and so is masked unless revealed).
    pub secret: bool,
    /// Whether `value` is masked.
    pub masked: bool,
}

impl EnvironmentVariable {
    /// Splits `NAME=value` and masks a secret-looking value unless `reveal`.
    pub fn parse(entry: &str, reveal: bool) -> EnvironmentVariable {
        let (name, value) = entry.split_once('=').unwrap_or((entry, ""));
        let secret = looks_secret(name, value);
        let masked = secret && !reveal;
        EnvironmentVariable {
            name: name.to_string(),
            value: if masked {
                MASK.to_string()
            } else {
                value.to_string()
            },
            secret,
            masked,
        }
    }

    /// Back as `NAME=value`, as the engine lists it.
    pub fn entry(&self) -> String {
        format!("{}={}", self.name, self.value)
    }
}

fn looks_secret(name: &str, value: &str) -> bool {
    let name = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|word| name.contains(word)) || url_with_password(value)
}

/// `scheme://user:password@host…`
fn url_with_password(value: &str) -> bool {
    value.split_once("://").is_some_and(|(_, rest)| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        authority
            .rsplit_once('@')
            .is_some_and(|(credentials, _)| credentials.contains(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_values_are_masked_unless_revealed() {
        for entry in [
            "DB_PASSWORD=hunter2",
            "api_key=abc",
            "GITHUB_TOKEN=ghp_x",
            "AWS_SECRET_ACCESS_KEY=x",
            "DATABASE_URL=postgres://app:hunter2@db:5432/app",
        ] {
            let masked = EnvironmentVariable::parse(entry, false);
            assert!(masked.secret && masked.masked, "{entry}");
            assert_eq!(masked.value, MASK, "{entry}");
            let revealed = EnvironmentVariable::parse(entry, true);
            assert_eq!(revealed.entry(), entry);
            assert!(revealed.secret && !revealed.masked);
        }
    }

    #[test]
    fn ordinary_values_are_shown_as_they_are() {
        for entry in [
            "PATH=/usr/bin:/bin",
            "MODE=test",
            "EMPTY=",
            "HOME_URL=https://example.org/a@b",
            "NO_EQUALS",
        ] {
            let shown = EnvironmentVariable::parse(entry, false);
            assert!(!shown.secret && !shown.masked, "{entry}");
        }
        assert_eq!(EnvironmentVariable::parse("PATH=/a=b", false).value, "/a=b");
    }
}
