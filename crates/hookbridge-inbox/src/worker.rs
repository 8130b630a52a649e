//! [`Worker`]: claims due deliveries, runs the [`Handler`], records the outcome.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::handler::{Backoff, Handler};
use crate::model::StoredDelivery;
use crate::store::{FailOutcome, Inbox};

/// Default number of deliveries handled at once by one [`Worker`].
pub const DEFAULT_CONCURRENCY: usize = 4;
/// Default number of attempts before a delivery is `dead`.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 10;
/// Default lease of a claimed delivery: 5 minutes.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(300);
/// Default bound on one handler call: 60 s.
pub const DEFAULT_HANDLER_TIMEOUT: Duration = Duration::from_secs(60);
/// Default pause between polls of an empty inbox: 500 ms.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Default time in-flight handlers get to finish after shutdown is requested: 10 s.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How a [`Worker`] runs. Build with `WorkerOptions::default()` and the setters.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WorkerOptions {
    /// Deliveries handled at once (default [`DEFAULT_CONCURRENCY`]).
    pub concurrency: usize,
    /// Attempts before `dead` (default [`DEFAULT_MAX_ATTEMPTS`]).
    pub max_attempts: u32,
    /// Delay between attempts (default 1 s doubling to 1 h, jittered).
    pub backoff: Backoff,
    /// How long a claim is held (default [`DEFAULT_LEASE`]); a crashed worker's deliveries are
    /// claimed again after it. Always longer than the handler timeout.
    pub lease: Duration,
    /// Bound on one handler call (default [`DEFAULT_HANDLER_TIMEOUT`]); past it the attempt
    /// fails.
    pub handler_timeout: Duration,
    /// Pause when nothing is due (default [`DEFAULT_POLL_INTERVAL`]).
    pub poll_interval: Duration,
    /// After shutdown is requested, how long in-flight handlers may still run (default
    /// [`DEFAULT_SHUTDOWN_GRACE`]); past it they are dropped and their deliveries released.
    pub shutdown_grace: Duration,
    /// A name for lease owners and logs (default `worker`).
    pub name: String,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            backoff: Backoff::default(),
            lease: DEFAULT_LEASE,
            handler_timeout: DEFAULT_HANDLER_TIMEOUT,
            poll_interval: DEFAULT_POLL_INTERVAL,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            name: "worker".to_owned(),
        }
    }
}

impl WorkerOptions {
    /// Sets the concurrency (at least 1).
    #[must_use]
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Sets the attempts before `dead` (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the backoff.
    #[must_use]
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Sets the lease.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets the handler timeout.
    #[must_use]
    pub fn handler_timeout(mut self, timeout: Duration) -> Self {
        self.handler_timeout = timeout;
        self
    }

    /// Sets the poll interval.
    #[must_use]
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Sets the shutdown grace.
    #[must_use]
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Sets the name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The handler timeout actually used: below the lease, so that a handler still running
    /// never overlaps another worker's attempt of the same delivery.
    fn effective_handler_timeout(&self) -> Duration {
        let lease = self.lease.max(Duration::from_millis(10));
        self.handler_timeout.min(lease.mul_f64(0.9)).max(Duration::from_millis(1))
    }
}

/// What a [`Worker`] did until it stopped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkerReport {
    /// Deliveries handled (`done`).
    pub done: u64,
    /// Failed attempts that will be retried.
    pub retried: u64,
    /// Deliveries that went `dead`.
    pub dead: u64,
    /// Deliveries given back at shutdown (or whose outcome could not be recorded).
    pub released: u64,
    /// Claims whose lease was lost before the outcome was recorded.
    pub lease_lost: u64,
}

#[derive(Debug, Default)]
struct Counters {
    done: AtomicU64,
    retried: AtomicU64,
    dead: AtomicU64,
    released: AtomicU64,
    lease_lost: AtomicU64,
}

impl Counters {
    fn report(&self) -> WorkerReport {
        WorkerReport {
            done: self.done.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            dead: self.dead.load(Ordering::Relaxed),
            released: self.released.load(Ordering::Relaxed),
            lease_lost: self.lease_lost.load(Ordering::Relaxed),
        }
    }
}

/// Processes an [`Inbox`]'s due deliveries with a [`Handler`]: `concurrency` loops, each
/// claiming one delivery at a time (`FOR UPDATE SKIP LOCKED`, so any number of workers on
/// any number of machines never claim the same delivery), handling it under the lease, and
/// recording `done`, a retry after the [`Backoff`], or `dead`.
///
/// * **Crash** — a worker that dies holds its deliveries only until their lease expires;
///   then another worker claims them again (the claim counts as an attempt, so a delivery
///   that crashes every worker still ends `dead`).
/// * **Shutdown** — once `shutdown` resolves, no new claims; in-flight handlers get
///   [`shutdown_grace`](WorkerOptions::shutdown_grace) to finish, then are dropped and their
///   deliveries released (due immediately, attempt not counted).
/// * **Database outage** — claims are retried after the poll interval; an outcome that cannot
///   be recorded leaves the delivery to its lease (handled again: at-least-once).
///
/// ```no_run
/// use std::time::Duration;
/// use hookbridge_inbox::{Backoff, HandlerError, Inbox, StoredDelivery, Worker, WorkerOptions, handler_fn};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let inbox = Inbox::connect("postgres://app:secret@db.internal/payments").await?;
/// let handler = handler_fn(|delivery: StoredDelivery| async move {
///     // Idempotent: keyed on the replay key (see docs/inbox.md).
///     let _ = delivery.replay_key();
///     Ok::<(), HandlerError>(())
/// });
/// let options = WorkerOptions::default()
///     .concurrency(8)
///     .max_attempts(12)
///     .backoff(Backoff::new(Duration::from_secs(5), Duration::from_secs(3600)));
/// // Any future: typically Ctrl-C / SIGTERM (tokio's `signal` feature).
/// let shutdown = tokio::time::sleep(Duration::from_secs(3600));
/// let report = Worker::new(inbox, handler, options).run(shutdown).await;
/// println!("{report:?}");
/// # Ok(())
/// # }
/// ```
pub struct Worker<H> {
    inbox: Inbox,
    handler: Arc<H>,
    options: WorkerOptions,
}

impl<H> fmt::Debug for Worker<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Worker").field("inbox", &self.inbox).field("options", &self.options).finish_non_exhaustive()
    }
}

impl<H: Handler> Worker<H> {
    /// A worker over `inbox`.
    pub fn new(inbox: Inbox, handler: H, options: WorkerOptions) -> Self {
        Self { inbox, handler: Arc::new(handler), options }
    }

    /// Runs until `shutdown` resolves and in-flight work is finished or released. Needs a tokio
    /// runtime (it spawns one task per concurrency slot).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> WorkerReport {
        let (stop, stopped) = watch::channel(false);
        let counters = Arc::new(Counters::default());
        let shared = Arc::new(self);
        let mut slots = JoinSet::new();
        for slot in 0..shared.options.concurrency.max(1) {
            slots.spawn(shared.clone().slot(slot, stopped.clone(), counters.clone()));
        }
        tokio::pin!(shutdown);
        let mut shutdown_seen = false;
        loop {
            tokio::select! {
                () = &mut shutdown, if !shutdown_seen => {
                    shutdown_seen = true;
                    let _ = stop.send(true);
                }
                joined = slots.join_next() => {
                    match joined {
                        None => break,
                        Some(Err(err)) if err.is_panic() => {
                            tracing::error!(worker = %shared.options.name, "inbox worker: a handler panicked; its delivery is reclaimed after the lease");
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        counters.report()
    }

    async fn slot(self: Arc<Self>, slot: usize, mut stopped: watch::Receiver<bool>, counters: Arc<Counters>) {
        let name = format!("{}-{slot}", self.options.name);
        while !*stopped.borrow() {
            let owner = match lease_token(&name) {
                Ok(owner) => owner,
                Err(err) => {
                    tracing::error!(worker = %name, error = %err, "inbox worker: no randomness for lease tokens");
                    pause(&mut stopped, self.options.poll_interval).await;
                    continue;
                }
            };
            let claimed = self.inbox.claim(&owner, self.options.lease, self.options.max_attempts, 1).await;
            match claimed {
                Ok(mut deliveries) => match deliveries.pop() {
                    Some(delivery) => self.process(&owner, delivery, &stopped, &counters).await,
                    None => pause(&mut stopped, self.options.poll_interval).await,
                },
                Err(err) => {
                    tracing::warn!(worker = %name, error = %err, "inbox worker: cannot claim; retrying");
                    pause(&mut stopped, self.options.poll_interval).await;
                }
            }
        }
    }

    async fn process(
        &self,
        owner: &str,
        delivery: StoredDelivery,
        stopped: &watch::Receiver<bool>,
        counters: &Counters,
    ) {
        let id = delivery.id();
        let attempt = delivery.attempt();
        let handled = tokio::time::timeout(self.options.effective_handler_timeout(), self.handler.handle(&delivery));
        let outcome = tokio::select! {
            outcome = handled => Some(outcome),
            () = grace_over(stopped.clone(), self.options.shutdown_grace) => None,
        };
        let inbox = &self.inbox;
        let result = match outcome {
            Some(Ok(Ok(()))) => inbox.complete(id, owner).await.map(|held| {
                if held { &counters.done } else { &counters.lease_lost }.fetch_add(1, Ordering::Relaxed);
            }),
            Some(failed) => {
                let error = match failed {
                    Ok(Err(err)) => err.message().to_owned(),
                    _ => "the handler timed out".to_owned(),
                };
                let delay = self.options.backoff.delay(attempt);
                inbox.fail(id, owner, self.options.max_attempts, delay, &error).await.map(|outcome| {
                    let counter = match outcome {
                        FailOutcome::Dead => &counters.dead,
                        FailOutcome::LeaseLost => &counters.lease_lost,
                        _ => &counters.retried,
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                })
            }
            None => inbox.release(id, owner).await.map(|_| {
                counters.released.fetch_add(1, Ordering::Relaxed);
            }),
        };
        if let Err(err) = result {
            counters.released.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(id, error = %err, "inbox worker: outcome not recorded; the delivery is claimed again after its lease");
        }
    }
}

/// A lease token unique to one claim: `name:` + 16 random bytes in hex.
fn lease_token(name: &str) -> Result<String, getrandom::Error> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes)?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{name}:{hex}"))
}

/// Sleeps `interval`, or less if shutdown is requested meanwhile.
async fn pause(stopped: &mut watch::Receiver<bool>, interval: Duration) {
    tokio::select! {
        () = tokio::time::sleep(interval) => {}
        _ = stopped.wait_for(|stop| *stop) => {}
    }
}

/// Resolves `grace` after shutdown is requested; never if it is not.
async fn grace_over(mut stopped: watch::Receiver<bool>, grace: Duration) {
    if stopped.wait_for(|stop| *stop).await.is_ok() {
        tokio::time::sleep(grace).await;
    } else {
        std::future::pending::<()>().await;
    }
}
