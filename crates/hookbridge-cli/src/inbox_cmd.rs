//! `hookbridge inbox`: the durable inbox (`hookbridge-inbox`) from the command line.
//!
//! * `work` — workers POSTing each stored delivery's original body and headers to the
//!   application (`--forward-to`), retrying non-2xx answers with backoff, until Ctrl-C / SIGTERM;
//!   one line per attempt on stderr.
//! * `list`, `show`, `retry`, `purge` — operating it.
//!
//! The database URL comes from `--database` or `HOOKBRIDGE_DATABASE_URL`; messages show it
//! without its password.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use hookbridge_inbox::{
    Backoff, DeliveryRecord, HandlerError, Inbox, ListFilter, StoredDelivery, Worker, WorkerOptions, handler_fn,
};
use serde_json::{Value, json};

use crate::CliError;
use crate::cli::{
    DatabaseArgs, InboxArgs, InboxCommand, InboxListArgs, InboxPurgeArgs, InboxRetryArgs, InboxShowArgs, InboxWorkArgs,
    TableOrJson,
};
use crate::listen::{RawForwarder, open_inbox, shutdown_signal};
use crate::output::{Table, write_json, write_json_line, write_json_lines, write_pairs};

/// Runs `hookbridge inbox …`.
pub async fn run(args: &InboxArgs, out: &mut dyn Write) -> Result<(), CliError> {
    match &args.command {
        InboxCommand::Work(args) => work(args).await,
        InboxCommand::List(args) => list(args, out).await,
        InboxCommand::Show(args) => show(args, out).await,
        InboxCommand::Retry(args) => retry(args, out).await,
        InboxCommand::Purge(args) => purge(args, out).await,
    }
}

async fn open(db: &DatabaseArgs) -> Result<Inbox, CliError> {
    open_inbox(&db.database).await
}

fn failed(db: &DatabaseArgs, err: &hookbridge_inbox::InboxError) -> CliError {
    match err {
        hookbridge_inbox::InboxError::NotFound { .. } | hookbridge_inbox::InboxError::Busy { .. } => {
            CliError::failed(err.to_string())
        }
        _ => CliError::failed(format!("inbox {}: {}", db.database.redacted(), crate::error_chain(err))),
    }
}

fn described(record: &DeliveryRecord) -> String {
    let mut parts = vec![record.event_type.clone().unwrap_or_else(|| "(no event type)".to_owned())];
    if let Some((kind, id)) = &record.subject {
        parts.push(format!("{kind} {id}"));
    }
    format!("{} {}", record.provider, parts.join(", "))
}

async fn work(args: &InboxWorkArgs) -> Result<(), CliError> {
    let lease = args.lease.0.max(Duration::from_millis(100));
    // The forward must end before the lease does, or another worker could deliver it meanwhile.
    let timeout = args.timeout.0.min(lease.mul_f64(0.8)).max(Duration::from_millis(10));
    let forwarder = Arc::new(RawForwarder::new(&args.forward_to, timeout)?);
    let inbox = open(&args.db).await?;
    let target = forwarder.shown_url();
    let max_attempts = args.max_attempts.max(1);
    let handler = handler_fn(move |delivery: StoredDelivery| {
        let forwarder = forwarder.clone();
        async move {
            let started = Instant::now();
            let outcome = forwarder.forward_parts(&delivery.headers, delivery.body.clone()).await;
            let ms = started.elapsed().as_millis();
            let what = format!(
                "inbox delivery {} ({}), attempt {} of {max_attempts}",
                delivery.id(),
                described(&delivery.record),
                delivery.attempt()
            );
            match outcome {
                Ok(status) if status.is_success() => {
                    eprintln!("delivered {what} to {}: HTTP {} in {ms} ms", forwarder.shown_url(), status.as_u16());
                    Ok(())
                }
                Ok(status) => {
                    eprintln!("failed {what}: HTTP {} in {ms} ms", status.as_u16());
                    Err(HandlerError::new(format!("the application answered HTTP {}", status.as_u16())))
                }
                Err(err) => {
                    eprintln!("failed {what}: no answer after {ms} ms ({err})");
                    Err(HandlerError::new("the application did not answer"))
                }
            }
        }
    });
    let options = WorkerOptions::default()
        .name(format!("hookbridge-{}", std::process::id()))
        .concurrency(args.concurrency)
        .max_attempts(max_attempts)
        .backoff(Backoff::new(args.min_backoff.0, args.max_backoff.0))
        .lease(lease)
        .handler_timeout(lease.mul_f64(0.9))
        .poll_interval(args.poll_interval.0.max(Duration::from_millis(1)))
        .shutdown_grace(args.shutdown_grace.0);
    eprintln!(
        "working on the inbox at {} with {} workers, forwarding to {target}; stop with Ctrl-C",
        args.db.database.redacted(),
        args.concurrency.max(1)
    );
    let report = Worker::new(inbox, handler, options).run(shutdown_signal()).await;
    eprintln!(
        "stopped: {} delivered, {} retries scheduled, {} dead, {} released",
        report.done, report.retried, report.dead, report.released
    );
    Ok(())
}

fn time(t: Option<jiff::Timestamp>) -> String {
    t.map(|t| t.round(jiff::Unit::Second).map_or_else(|_| t.to_string(), |r| r.to_string())).unwrap_or_default()
}

fn record_json(record: &DeliveryRecord) -> Value {
    json!({
        "id": record.id,
        "provider": record.provider,
        "replay_key": record.replay_key,
        "event_type": record.event_type,
        "subject": record.subject.as_ref().map(|(kind, id)| json!({"kind": kind, "id": id})),
        "state": record.state.as_str(),
        "attempts": record.attempts,
        "received_at": record.received_at.to_string(),
        "next_attempt_at": record.next_attempt_at.to_string(),
        "lease_expires_at": record.lease_expires_at.map(|t| t.to_string()),
        "completed_at": record.completed_at.map(|t| t.to_string()),
        "last_error": record.last_error,
    })
}

async fn list(args: &InboxListArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let inbox = open(&args.db).await?;
    let mut filter = ListFilter::new().limit(args.limit);
    if let Some(state) = args.state {
        filter = filter.state(state);
    }
    if let Some(provider) = &args.provider {
        filter = filter.provider(provider.clone());
    }
    let records = inbox.list(&filter).await.map_err(|e| failed(&args.db, &e))?;
    match args.output {
        TableOrJson::Json => write_json(out, &records.iter().map(record_json).collect::<Vec<_>>())?,
        TableOrJson::Jsonl => write_json_lines(out, records.iter().map(record_json))?,
        TableOrJson::Table => {
            let mut table = Table::new([
                "ID",
                "STATE",
                "ATTEMPTS",
                "PROVIDER",
                "EVENT",
                "SUBJECT",
                "RECEIVED",
                "NEXT ATTEMPT",
                "LAST ERROR",
            ]);
            table.status_column("STATE");
            for r in &records {
                let due = matches!(r.state, hookbridge_inbox::State::Pending | hookbridge_inbox::State::Failed);
                table.row([
                    r.id.to_string(),
                    r.state.to_string(),
                    r.attempts.to_string(),
                    r.provider.clone(),
                    r.event_type.clone().unwrap_or_default(),
                    r.subject.as_ref().map(|(k, id)| format!("{k} {id}")).unwrap_or_default(),
                    time(Some(r.received_at)),
                    if due { time(Some(r.next_attempt_at)) } else { String::new() },
                    r.last_error.clone().unwrap_or_default(),
                ]);
            }
            table.write(out, "")?;
        }
    }
    Ok(())
}

/// A header value or body as text when it is UTF-8, else base64 under another key.
fn text_or_base64(bytes: &[u8], key: &str) -> (String, Value) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (key.to_owned(), Value::String(text.to_owned())),
        Err(_) => (format!("{key}_base64"), Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))),
    }
}

fn delivery_json(delivery: &StoredDelivery) -> Value {
    let mut value = record_json(&delivery.record);
    let headers: Vec<Value> = delivery
        .headers
        .iter()
        .map(|(name, v)| {
            let (key, v) = text_or_base64(v.as_bytes(), "value");
            let mut entry = serde_json::Map::new();
            entry.insert("name".into(), Value::String(name.as_str().to_owned()));
            entry.insert(key, v);
            Value::Object(entry)
        })
        .collect();
    if let Some(map) = value.as_object_mut() {
        map.insert("headers".into(), Value::Array(headers));
        let (key, body) = text_or_base64(&delivery.body, "body");
        map.insert(key, body);
    }
    value
}

async fn show(args: &InboxShowArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let inbox = open(&args.db).await?;
    let delivery = inbox.get(args.id).await.map_err(|e| failed(&args.db, &e))?;
    match args.output {
        TableOrJson::Json => write_json(out, &delivery_json(&delivery))?,
        TableOrJson::Jsonl => write_json_line(out, &delivery_json(&delivery))?,
        TableOrJson::Table => {
            let r = &delivery.record;
            let dash = |s: Option<String>| s.unwrap_or_else(|| "-".to_owned());
            let mut pairs = vec![
                ("id", r.id.to_string()),
                ("state", r.state.to_string()),
                ("attempts", r.attempts.to_string()),
                ("provider", r.provider.clone()),
                ("event type", dash(r.event_type.clone())),
                ("subject", dash(r.subject.as_ref().map(|(k, id)| format!("{k} {id}")))),
                ("replay key", r.replay_key.clone()),
                ("received at", r.received_at.to_string()),
                ("next attempt", r.next_attempt_at.to_string()),
                ("completed at", dash(r.completed_at.map(|t| t.to_string()))),
                ("last error", dash(r.last_error.clone())),
            ];
            let headers: Vec<String> = delivery
                .headers
                .iter()
                .map(|(name, v)| format!("{name}: {}", String::from_utf8_lossy(v.as_bytes())))
                .collect();
            pairs.push(("headers", headers.join("\n")));
            pairs.push(("body", String::from_utf8_lossy(&delivery.body).into_owned()));
            write_pairs(out, &pairs)?;
        }
    }
    Ok(())
}

async fn retry(args: &InboxRetryArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let inbox = open(&args.db).await?;
    if let Some(id) = args.id {
        inbox.retry(id).await.map_err(|e| failed(&args.db, &e))?;
        writeln!(out, "inbox delivery {id} is pending again")?;
    } else {
        let n = inbox.retry_dead().await.map_err(|e| failed(&args.db, &e))?;
        writeln!(out, "{n} dead deliveries are pending again")?;
    }
    Ok(())
}

async fn purge(args: &InboxPurgeArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let inbox = open(&args.db).await?;
    let n = inbox.purge_done(args.done_older_than.0).await.map_err(|e| failed(&args.db, &e))?;
    writeln!(out, "purged {n} done deliveries")?;
    Ok(())
}
