//! A probe's registration, checked before anything is stored.

use super::model::{Location, RegisterProbeInput};
use crate::error::{Error, Result};

/// The most tags one probe carries.
pub const MAX_TAGS: usize = 32;
const MAX_NAME: usize = 64;

/// A registration once every field is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub name: String,
    pub location: Location,
    pub tags: Vec<String>,
}

impl RegisterProbeInput {
    pub fn parse(self) -> Result<Registration> {
        let name = self.name.trim().to_string();
        if !is_label(&name, MAX_NAME) {
            return Err(Error::bad_input(
                &["input", "name"],
                format!(
                    "a probe's name is 1 to {MAX_NAME} letters, digits, '-', '_' or '.' (got {:?})",
                    self.name
                ),
            ));
        }
        let location = parse_location(self.location, &["input", "location"])?;
        let tags = parse_tags(&self.tags, &["input", "tags"])?;
        Ok(Registration {
            name,
            location,
            tags,
        })
    }
}

/// Checks a point's latitude (-90 to 90) and longitude (-180 to 180) at `at`.
pub fn parse_location(location: Location, at: &[&str]) -> Result<Location> {
    for (name, value, bound) in [
        ("latitude", location.latitude, 90.0),
        ("longitude", location.longitude, 180.0),
    ] {
        if !(-bound..=bound).contains(&value) {
            let path: Vec<&str> = at.iter().copied().chain([name]).collect();
            return Err(Error::bad_input(
                &path,
                format!("{name} must be between -{bound} and {bound} degrees (got {value})"),
            ));
        }
    }
    Ok(location)
}

/// Lower-cased, de-duplicated tags, each a label of at most 64 characters.
pub fn parse_tags(raw: &[String], at: &[&str]) -> Result<Vec<String>> {
    if raw.len() > MAX_TAGS {
        return Err(Error::bad_input(
            at,
            format!("at most {MAX_TAGS} tags (got {})", raw.len()),
        ));
    }
    let mut tags: Vec<String> = Vec::with_capacity(raw.len());
    for (index, tag) in raw.iter().enumerate() {
        let tag = tag.trim().to_lowercase();
        if !is_label(&tag, MAX_NAME) {
            let index = index.to_string();
            let path: Vec<&str> = at.iter().copied().chain([index.as_str()]).collect();
            return Err(Error::bad_input(
                &path,
                format!("a tag is 1 to {MAX_NAME} letters, digits, '-', '_' or '.' (got {tag:?})"),
            ));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    Ok(tags)
}

fn is_label(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, latitude: f64, tags: &[&str]) -> RegisterProbeInput {
        RegisterProbeInput {
            name: name.into(),
            location: Location {
                latitude,
                longitude: 8.68,
            },
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn field_of(result: Result<Registration>) -> Vec<String> {
        match result {
            Err(Error::BadInput { field, .. }) => field,
            other => panic!("expected bad input, got {other:?}"),
        }
    }

    #[test]
    fn tags_are_lower_cased_and_repeats_dropped() {
        let registration = input(" fra-1 ", 50.1, &["EU", "eu", "isp.a"])
            .parse()
            .unwrap();
        assert_eq!(registration.name, "fra-1");
        assert_eq!(registration.tags, ["eu", "isp.a"]);
    }

    #[test]
    fn a_latitude_off_the_globe_is_refused_at_its_field() {
        assert_eq!(
            field_of(input("p", 91.0, &[]).parse()),
            ["input", "location", "latitude"]
        );
    }

    #[test]
    fn names_and_tags_with_spaces_are_refused() {
        assert_eq!(
            field_of(input("my probe", 0.0, &[]).parse()),
            ["input", "name"]
        );
        assert_eq!(
            field_of(input("p", 0.0, &["ok", "not ok"]).parse()),
            ["input", "tags", "1"]
        );
    }

    #[test]
    fn distances_are_great_circle_kilometres() {
        let frankfurt = Location {
            latitude: 50.11,
            longitude: 8.68,
        };
        let paris = Location {
            latitude: 48.86,
            longitude: 2.35,
        };
        let km = frankfurt.distance_km(&paris);
        assert!((470.0..490.0).contains(&km), "{km}");
    }
}
