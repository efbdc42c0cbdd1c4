//! The embedded engine's write-ahead log, read record by record before the engine opens
//! it.
//!
//! After a crash the log is all there is of the last writes, and no record of monitor's
//! can say how it should end. SurrealKV's recovery, on a record whose checksum fails,
//! rewrites the log without that record and everything after it, and serves what is
//! left, so acknowledged writes vanish with no more than a line in the log. Every record
//! carries a checksum, though: one that fails, or a length or type no writer produces,
//! is damage, found here before the engine can cut it away.
//!
//! A record cut short at the very end of a segment is what a crash in the middle of a
//! write leaves: that write was never acknowledged. The engine reads up to it, but then
//! appends its next writes after it, in the same segment, and at the start after that
//! the half record swallows them. So the newest segment's unfinished record is cut off
//! here, before the engine appends anything.
//!
//! The format (SurrealKV's `wal` module): 32 KiB blocks of records, each a 7-byte header
//! (CRC-32 of the type and payload, big-endian; payload length, big-endian u16; type)
//! and its payload; fewer than 7 bytes left in a block are zero padding.

use std::path::Path;

const BLOCK_SIZE: usize = 32 * 1024;
const HEADER_SIZE: usize = 7;
/// Full, First, Middle, Last, and the compression-type record.
const RECORD_TYPES: [u8; 5] = [1, 2, 3, 4, 9];

/// The first damaged record in the log of the store in `dir`, if any, as "wal/<segment>
/// has a damaged record at byte N (why)". The newest segment's unfinished last record is
/// cut off.
pub fn check(dir: &Path) -> Option<String> {
    let mut segments: Vec<_> = std::fs::read_dir(dir.join("wal"))
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "wal"))
        .collect();
    segments.sort();
    for (index, segment) in segments.iter().enumerate() {
        let name = file_name(segment);
        let Ok(bytes) = std::fs::read(segment) else {
            return Some(format!("wal/{name} cannot be read"));
        };
        match read(&bytes) {
            Segment::Whole => {}
            Segment::Damaged(offset, why) => {
                return Some(format!(
                    "wal/{name} has a damaged record at byte {offset} ({why})"
                ));
            }
            Segment::Unfinished(end) if index + 1 == segments.len() => {
                let cut = std::fs::OpenOptions::new()
                    .write(true)
                    .open(segment)
                    .and_then(|file| file.set_len(end as u64).and_then(|()| file.sync_all()));
                match cut {
                    Ok(()) => tracing::warn!(
                        segment = %name,
                        bytes = bytes.len() - end,
                        "cut the store log's last record, which a crash left unfinished (it was never acknowledged)"
                    ),
                    Err(error) => {
                        return Some(format!(
                            "wal/{name} ends in an unfinished record that cannot be cut off: {error}"
                        ));
                    }
                }
            }
            Segment::Unfinished(_) => {}
        }
    }
    None
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What reading a segment's records found.
#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Whole,
    /// Its last record is cut short; it starts at this byte.
    Unfinished(usize),
    /// The record starting at this byte is damaged, for this reason.
    Damaged(usize, &'static str),
}

fn read(bytes: &[u8]) -> Segment {
    let mut offset = 0;
    while offset < bytes.len() {
        let left_in_block = BLOCK_SIZE - offset % BLOCK_SIZE;
        if left_in_block < HEADER_SIZE {
            offset += left_in_block;
            continue;
        }
        let Some(header) = bytes.get(offset..offset + HEADER_SIZE) else {
            return Segment::Unfinished(offset);
        };
        if header.iter().all(|byte| *byte == 0) {
            // Zeros where a record would start: the rest of the block is unused.
            offset += left_in_block;
            continue;
        }
        let crc = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let length = usize::from(u16::from_be_bytes([header[4], header[5]]));
        let kind = header[6];
        if !RECORD_TYPES.contains(&kind) {
            return Segment::Damaged(offset, "unknown record type");
        }
        if HEADER_SIZE + length > left_in_block {
            return Segment::Damaged(offset, "length past the end of its block");
        }
        let start = offset + HEADER_SIZE;
        let Some(payload) = bytes.get(start..start + length) else {
            return Segment::Unfinished(offset);
        };
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&[kind]);
        hasher.update(payload);
        if hasher.finalize() != crc {
            return Segment::Damaged(offset, "checksum mismatch");
        }
        offset = start + length;
    }
    Segment::Whole
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u8, payload: &[u8]) -> Vec<u8> {
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&[kind]);
        hasher.update(payload);
        let mut bytes = hasher.finalize().to_be_bytes().to_vec();
        bytes.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        bytes.push(kind);
        bytes.extend_from_slice(payload);
        bytes
    }

    fn log() -> Vec<u8> {
        let mut bytes = record(1, b"first write");
        bytes.extend(record(1, b"second write"));
        bytes.extend(record(1, b"third write"));
        bytes
    }

    #[test]
    fn a_log_cut_inside_its_last_record_is_unfinished_there() {
        let bytes = log();
        assert_eq!(read(&bytes), Segment::Whole);
        assert_eq!(read(&bytes[..bytes.len() - 3]), Segment::Unfinished(37));
        assert_eq!(read(&bytes[..bytes.len() - 13]), Segment::Unfinished(37));
    }

    #[test]
    fn a_flipped_byte_a_wrong_type_or_length_is_damage_where_its_record_starts() {
        let mut flipped = log();
        flipped[20 + HEADER_SIZE] ^= 0x5a;
        assert_eq!(read(&flipped), Segment::Damaged(18, "checksum mismatch"));

        let mut typed = log();
        typed[6] = 7;
        assert_eq!(read(&typed), Segment::Damaged(0, "unknown record type"));

        let mut long = log();
        long[4..6].copy_from_slice(&u16::MAX.to_be_bytes());
        assert_eq!(
            read(&long),
            Segment::Damaged(0, "length past the end of its block")
        );
    }

    #[test]
    fn the_newest_segment_s_unfinished_record_is_cut_off_and_damage_is_named() {
        let temp = tempfile::tempdir().expect("a directory");
        std::fs::create_dir(temp.path().join("wal")).expect("wal");
        let older = temp.path().join("wal/00000000000000000001.wal");
        let newest = temp.path().join("wal/00000000000000000002.wal");
        let bytes = log();
        std::fs::write(&older, &bytes[..bytes.len() - 3]).expect("older");
        std::fs::write(&newest, &bytes[..bytes.len() - 3]).expect("newest");

        assert_eq!(check(temp.path()), None);
        assert_eq!(std::fs::metadata(&newest).expect("newest").len(), 37);
        assert_eq!(
            std::fs::metadata(&older).expect("older").len(),
            bytes.len() as u64 - 3
        );

        let mut flipped = bytes.clone();
        flipped[30] ^= 1;
        std::fs::write(&newest, &flipped).expect("flip");
        assert_eq!(
            check(temp.path()).as_deref(),
            Some(
                "wal/00000000000000000002.wal has a damaged record at byte 18 (checksum mismatch)"
            )
        );
    }

    #[test]
    fn records_continue_after_a_block_s_padding() {
        let mut bytes = vec![];
        let payload = vec![1u8; BLOCK_SIZE - HEADER_SIZE - 3];
        bytes.extend(record(1, &payload));
        bytes.extend([0, 0, 0]);
        bytes.extend(record(1, b"next block"));
        assert_eq!(read(&bytes), Segment::Whole);
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(
            read(&bytes),
            Segment::Damaged(BLOCK_SIZE, "checksum mismatch")
        );
    }
}
