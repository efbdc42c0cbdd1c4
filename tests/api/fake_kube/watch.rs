//! A watch stream: newline-delimited JSON events (`ADDED`, `MODIFIED`, `DELETED`,
//! `BOOKMARK`, `ERROR`), first the history after the version asked for, then changes as
//! they commit, until `timeoutSeconds` pass (ended with a bookmark, as the apiserver
//! does), the watch falls behind, or the test expires every watch with a 410.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use futures::Stream;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use super::Shared;
use super::status::{self, Refusal};
use super::store::{Change, WatchItem, WatchStart};

fn line(event: Value) -> Result<Bytes, Infallible> {
    let mut text = event.to_string();
    text.push('\n');
    Ok(Bytes::from(text))
}

fn change_event(change: &Change) -> Result<Bytes, Infallible> {
    line(json!({"type": change.kind.wire(), "object": change.object}))
}

fn error_event(refusal: &Refusal) -> Result<Bytes, Infallible> {
    line(json!({"type": "ERROR", "object": refusal.body}))
}

fn bookmark_event(shared: &Shared, revision: u64) -> Result<Bytes, Infallible> {
    line(json!({
        "type": "BOOKMARK",
        "object": {
            "kind": shared.resource.kind,
            "apiVersion": shared.resource.api_version(),
            "metadata": {"resourceVersion": revision.to_string(), "creationTimestamp": null},
        },
    }))
}

pub fn events(
    shared: Arc<Shared>,
    namespace: Option<String>,
    start: WatchStart,
    bookmarks: bool,
    timeout: Duration,
) -> impl Stream<Item = Result<Bytes, Infallible>> {
    let WatchStart {
        initial,
        mut receiver,
        expired,
    } = start;
    let wanted = move |change: &Change| {
        namespace
            .as_deref()
            .is_none_or(|namespace| change.namespace() == namespace)
    };
    async_stream::stream! {
        if let Some(refusal) = expired {
            yield error_event(&refusal);
            return;
        }
        for change in initial.iter().filter(|change| wanted(change)) {
            yield change_event(change);
        }
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut deadline => {
                    if bookmarks {
                        let revision = shared.store().revision();
                        yield bookmark_event(&shared, revision);
                    }
                    break;
                }
                item = receiver.recv() => match item {
                    Ok(item) => match &*item {
                        WatchItem::Change(change) if wanted(change) => {
                            shared.emitting(change.revision);
                            yield change_event(change);
                        }
                        WatchItem::Change(_) => {}
                        WatchItem::Bookmark(revision) if bookmarks => yield bookmark_event(&shared, *revision),
                        WatchItem::Bookmark(_) => {}
                        WatchItem::Expire => {
                            let revision = shared.store().revision();
                            yield error_event(&status::expired(format!(
                                "The resourceVersion for the provided watch is too old (current {revision})."
                            )));
                            break;
                        }
                    },
                    // A watch that fell behind is closed; the client resumes from its last version.
                    Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => break,
                },
            }
        }
    }
}
