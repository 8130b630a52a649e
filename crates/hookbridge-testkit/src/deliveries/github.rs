//! The GitHub delivery template ([`GITHUB_TEMPLATE`](super::GITHUB_TEMPLATE)): a selection of
//! GitHub's webhook events, abridged payloads with fresh ids, `X-Hub-Signature-256`.

use axum::http::HeaderName;
use hookbridge_verify::HmacScheme;
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::server::{random_bytes, random_hex, rfc3339_seconds, uuid_v4};
use crate::template_spec::{TemplateSpec, random_secret};

/// `X-GitHub-Event`: the event name GitHub sends (unsigned) with each delivery.
pub const GITHUB_EVENT_HEADER: HeaderName = HeaderName::from_static("x-github-event");

/// The events [`GITHUB_TEMPLATE`](super::GITHUB_TEMPLATE) builds (a selection of GitHub's
/// webhook events).
pub const GITHUB_EVENTS: [&str; 5] = ["ping", "push", "issues", "pull_request", "release"];

pub(crate) static GITHUB: TemplateSpec = TemplateSpec {
    name: "github",
    events: || GITHUB_EVENTS.to_vec(),
    free_form_events: false,
    hmac_scheme: Some(HmacScheme::github),
    rsa_scheme: None,
    event_header: Some(GITHUB_EVENT_HEADER),
    sample_data: |event, options| Ok(github_payload(event, options.at)),
    envelope: |_, data, _, delivery_id| {
        delivery_id.get_or_insert_with(uuid_v4);
        Ok(data)
    },
    fresh_secret: random_secret,
};

/// A GitHub payload (abridged to the fields receivers commonly read), with fresh ids.
fn github_payload(event: &str, at: Timestamp) -> Value {
    let now = rfc3339_seconds(at);
    let id = || u64::from(u32::from_le_bytes(random_bytes::<4>()));
    let repository = json!({
        "id": 1_296_269,
        "name": "Hello-World",
        "full_name": "octocat/Hello-World",
        "private": false,
        "html_url": "https://github.com/octocat/Hello-World",
        "default_branch": "main",
    });
    let sender = json!({"login": "octocat", "id": 1, "type": "User"});
    match event {
        "ping" => {
            let hook_id = id();
            json!({
                "zen": "Keep it logically awesome.",
                "hook_id": hook_id,
                "hook": {
                    "type": "Repository",
                    "id": hook_id,
                    "name": "web",
                    "active": true,
                    "events": ["push", "pull_request"],
                    "config": {"content_type": "json", "insecure_ssl": "0"},
                    "created_at": now,
                    "updated_at": now,
                },
                "repository": repository,
                "sender": sender,
            })
        }
        "push" => {
            let (before, after) = (random_hex::<20>(), random_hex::<20>());
            let commit = json!({
                "id": after,
                "message": "Update README.md",
                "timestamp": now,
                "author": {"name": "Monalisa Octocat", "email": "octocat@github.com", "username": "octocat"},
                "added": [],
                "removed": [],
                "modified": ["README.md"],
            });
            json!({
                "ref": "refs/heads/main",
                "before": before,
                "after": after,
                "created": false,
                "deleted": false,
                "forced": false,
                "commits": [commit.clone()],
                "head_commit": commit,
                "pusher": {"name": "octocat", "email": "octocat@github.com"},
                "repository": repository,
                "sender": sender,
            })
        }
        "issues" => {
            let number = id() % 10_000 + 1;
            json!({
                "action": "opened",
                "issue": {
                    "id": id(),
                    "number": number,
                    "title": "Found a bug",
                    "state": "open",
                    "user": sender,
                    "created_at": now,
                    "updated_at": now,
                },
                "repository": repository,
                "sender": sender,
            })
        }
        "pull_request" => {
            let number = id() % 10_000 + 1;
            json!({
                "action": "opened",
                "number": number,
                "pull_request": {
                    "id": id(),
                    "number": number,
                    "state": "open",
                    "title": "Amazing new feature",
                    "user": sender,
                    "head": {"ref": "new-topic", "sha": random_hex::<20>()},
                    "base": {"ref": "main", "sha": random_hex::<20>()},
                    "created_at": now,
                    "updated_at": now,
                },
                "repository": repository,
                "sender": sender,
            })
        }
        "release" => {
            let release_id = id();
            json!({
                "action": "published",
                "release": {
                    "id": release_id,
                    "tag_name": format!("v1.{}.0", release_id % 100),
                    "name": format!("v1.{}.0", release_id % 100),
                    "draft": false,
                    "prerelease": false,
                    "created_at": now,
                    "published_at": now,
                },
                "repository": repository,
                "sender": sender,
            })
        }
        _ => json!({"action": event, "id": id(), "repository": repository, "sender": sender}),
    }
}
