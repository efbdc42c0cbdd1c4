//! User input for users: validated newtypes and the GraphQL input objects.

use async_graphql::{ID, InputObject};
use secrecy::SecretString;

use super::model::Role;
use crate::error::{Error, Result};

/// A username: 3 to 64 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str, path: &[&str]) -> Result<Username> {
        let name = raw.trim();
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
        if !(3..=64).contains(&name.chars().count()) {
            return Err(Error::bad_input(
                path,
                "username must be 3 to 64 characters long",
            ));
        }
        if !name.chars().all(allowed) {
            return Err(Error::bad_input(
                path,
                "username may only hold lowercase letters, digits, '.', '_' and '-'",
            ));
        }
        if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(Error::bad_input(
                path,
                "username must start with a letter or a digit",
            ));
        }
        Ok(Username(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password: 8 to 1024 characters. Long passphrases are welcome; the upper bound
/// only keeps hashing cheap enough that it cannot be used to exhaust the server.
pub struct Password(SecretString);

impl Password {
    pub fn parse(raw: &str, path: &[&str]) -> Result<Password> {
        let length = raw.chars().count();
        if length < 8 {
            return Err(Error::bad_input(
                path,
                "password must be at least 8 characters long",
            ));
        }
        if length > 1024 {
            return Err(Error::bad_input(
                path,
                "password must be at most 1024 characters long",
            ));
        }
        Ok(Password(SecretString::from(raw.to_string())))
    }

    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

#[derive(InputObject)]
pub struct CreateUserInput {
    pub username: String,
    #[graphql(secret)]
    pub password: String,
    pub role: Role,
}

/// Changes to a user; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateUserInput {
    pub id: ID,
    pub username: Option<String>,
    #[graphql(secret)]
    pub password: Option<String>,
    pub role: Option<Role>,
}

#[derive(InputObject)]
pub struct DeleteUserInput {
    pub id: ID,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_usernames_are_accepted_and_trimmed() {
        for name in ["alice", "ops-bot", "j.doe_2", "007"] {
            assert_eq!(Username::parse(name, &["u"]).expect("valid").as_str(), name);
        }
        assert_eq!(
            Username::parse("  bob ", &["u"]).expect("valid").as_str(),
            "bob"
        );
    }

    #[test]
    fn bad_usernames_are_refused_with_their_field_path() {
        for name in [
            "",
            "ab",
            "Alice",
            "has space",
            "-lead",
            "x".repeat(65).as_str(),
            "ünï",
        ] {
            let error = Username::parse(name, &["input", "username"]).expect_err(name);
            match error {
                Error::BadInput { field, .. } => assert_eq!(field, ["input", "username"]),
                other => panic!("unexpected error {other:?}"),
            }
        }
    }

    #[test]
    fn passwords_must_be_between_8_and_1024_characters() {
        assert!(Password::parse("short", &["p"]).is_err());
        assert!(Password::parse(&"x".repeat(1025), &["p"]).is_err());
        assert!(Password::parse("correct horse battery staple", &["p"]).is_ok());
    }
}
