//! Random secrets as URL-safe text: generated passwords, tokens, download tickets.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

/// `bytes` random bytes as URL-safe text.
pub fn random_secret(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}
