//! The output of a running operation: numbered lines, published live at once and
//! stored in batches. Every line is, at any moment, in the store or in the pending
//! batch (or both), so a subscriber that reads both and then follows the live feed
//! sees each line exactly once, in order.

use std::sync::Mutex;

use chrono::Utc;
use tokio::sync::broadcast;

use super::model::{OutputLine, OutputStream};

/// Lines a live subscriber may fall behind before it has to catch up from the store:
/// about a second of a chatty build, so bursts do not send it there (the slots are
/// allocated per running operation, about 1 MiB).
const LIVE_BUFFER: usize = 16_384;
/// Lines kept per operation; past this the output still streams live but is not stored.
pub const MAX_STORED_LINES: i64 = 200_000;

pub struct Output {
    state: Mutex<State>,
    live: broadcast::Sender<OutputLine>,
}

struct State {
    next_seq: i64,
    pending: Vec<OutputLine>,
    truncated: bool,
}

impl Output {
    pub fn new() -> Output {
        Output {
            state: Mutex::new(State {
                next_seq: 0,
                pending: Vec::new(),
                truncated: false,
            }),
            live: broadcast::channel(LIVE_BUFFER).0,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // Every change under this lock is a push or a drain; a panic cannot leave it
        // half-done, so a poisoned lock is still consistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Numbers a line, publishes it, and queues it for storage.
    pub fn push(&self, stream: OutputStream, text: String) {
        let mut state = self.state();
        let line = OutputLine {
            seq: state.next_seq,
            stream,
            text,
            timestamp: Utc::now(),
        };
        state.next_seq += 1;
        if line.seq < MAX_STORED_LINES {
            state.pending.push(line.clone());
        } else if !state.truncated {
            state.truncated = true;
            state.pending.push(OutputLine {
                seq: line.seq,
                stream: OutputStream::Monitor,
                text: format!(
                    "[output past {MAX_STORED_LINES} lines is shown live but not stored]"
                ),
                timestamp: line.timestamp,
            });
        }
        // Nobody listening is fine: the line is queued for the store.
        let _ = self.live.send(line);
    }

    /// The lines not stored yet (kept pending until [`Output::stored`] confirms them).
    pub fn unstored(&self) -> Vec<OutputLine> {
        self.state().pending.clone()
    }

    /// Drops the pending lines up to and including `last_seq`, now that they are stored.
    pub fn stored(&self, last_seq: i64) {
        self.state().pending.retain(|line| line.seq > last_seq);
    }

    /// A live feed from now on, and the lines pending at this instant.
    pub fn follow(&self) -> (broadcast::Receiver<OutputLine>, Vec<OutputLine>) {
        let state = self.state();
        (self.live.subscribe(), state.pending.clone())
    }
}
