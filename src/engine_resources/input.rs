//! The inputs of image, volume and network changes, each name checked before anything
//! reaches the engine (a name goes into the engine's URL path, so only the characters
//! the engine itself allows get through).

use async_graphql::{ID, InputObject};

use crate::error::{Error, Result};

/// Names an image on a server, for `removeImage`.
#[derive(Debug, InputObject)]
pub struct RemoveImageInput {
    pub server_id: ID,
    /// The image's id (`sha256:…` or a prefix of its hex) or a reference (`name:tag`).
    pub image: String,
    /// Removes the image even when stopped containers use it or it has several tags.
    #[graphql(default)]
    pub force: bool,
}

/// Names a volume on a server, for `removeVolume`.
#[derive(Debug, InputObject)]
pub struct RemoveVolumeInput {
    pub server_id: ID,
    pub name: String,
    /// Removes the volume even if the engine's driver reports an error for it.
    #[graphql(default)]
    pub force: bool,
}

/// Names a network on a server, for `removeNetwork`.
#[derive(Debug, InputObject)]
pub struct RemoveNetworkInput {
    pub server_id: ID,
    /// The network's id or name.
    pub network: String,
}

/// A server whose unused images, volumes or networks go.
#[derive(Debug, InputObject)]
pub struct PruneInput {
    pub server_id: ID,
}

/// An image id (`sha256:<hex>` or a hex prefix) or reference.
pub fn image(raw: &str, path: &[&str]) -> Result<String> {
    let raw = raw.trim();
    let hex = raw.strip_prefix("sha256:").unwrap_or(raw);
    if (12..=64).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(raw.to_string());
    }
    crate::containers::image_reference(raw, path)
}

/// A volume's or network's name or id, as the engine allows them:
/// `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 255 characters.
pub fn object_name(raw: &str, what: &str, path: &[&str]) -> Result<String> {
    let name = raw.trim();
    let valid = (1..=255).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !valid {
        return Err(Error::bad_input(
            path,
            format!(
                "{raw:?} is not a {what} name or id: 1 to 255 letters, digits, '_', '.' and '-', starting with a letter or digit"
            ),
        ));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_ids_prefixes_and_references_are_accepted() {
        for raw in [
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "0123456789ab",
            "busybox:1.36",
            "127.0.0.1:5055/team/api@sha256:0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(image(raw, &["input", "image"]).expect(raw), raw);
        }
    }

    #[test]
    fn names_that_would_change_the_engine_path_are_refused_at_their_field() {
        for raw in ["", "../containers", "a/b", "x?force=1", "-lead", "a b", "é"] {
            let error = object_name(raw, "volume", &["input", "name"]).expect_err(raw);
            let Error::BadInput { field, .. } = error else {
                panic!("{raw}: not a bad input")
            };
            assert_eq!(field, ["input", "name"]);
        }
        for raw in ["x?force=1", "../../containers/json", "UPPER:tag", ""] {
            assert!(image(raw, &["input", "image"]).is_err(), "{raw}");
        }
        assert_eq!(
            object_name(" data_1.v-2 ", "volume", &["n"]).expect("valid"),
            "data_1.v-2"
        );
    }
}
