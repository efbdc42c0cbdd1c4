//! Password hashing with argon2id, off the async threads: a hash takes tens of
//! milliseconds of CPU on purpose.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

/// Hashes a password into a PHC string (algorithm, parameters and salt included).
pub async fn hash(password: SecretString) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| Error::Internal(anyhow::anyhow!("while hashing a password: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(anyhow::Error::new(e).context("while hashing a password")))?
}

/// Checks a password against a stored PHC string.
pub async fn verify(password: SecretString, stored: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored).map_err(|e| {
            Error::Internal(anyhow::anyhow!("stored password hash is malformed: {e}"))
        })?;
        Ok(Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| Error::Internal(anyhow::Error::new(e).context("while verifying a password")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let stored = hash(SecretString::from("correct horse"))
            .await
            .expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            verify(SecretString::from("correct horse"), stored.clone())
                .await
                .expect("verify")
        );
        assert!(
            !verify(SecretString::from("wrong horse"), stored)
                .await
                .expect("verify")
        );
    }
}
