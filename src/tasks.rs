//! [`Tasks`]: the one owner of every background task of a running desk — the inbox and its
//! folder watches, sign-ins, clipboard timers, reminders. Each task is tracked and gets a
//! cancellation token; [`Tasks::shutdown`] cancels them all and waits, for a bounded time, until
//! they have ended (mini-redis's shutdown shape, with `tokio-util`'s tracker and token).

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// The background tasks of one running desk.
#[derive(Debug, Clone, Default)]
pub struct Tasks {
    tracker: TaskTracker,
    cancel: CancellationToken,
}

impl Tasks {
    /// No tasks yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `task` in the background until it ends or shutdown begins, whichever is first.
    /// For a task that must clean up when cancelled, use [`Tasks::spawn_with`].
    pub fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let cancel = self.cancel.clone();
        self.tracker.spawn(async move {
            tokio::select! {
                () = cancel.cancelled() => {}
                () = task => {}
            }
        });
    }

    /// Runs the task `make` builds from the cancellation token: it watches the token itself and
    /// ends (after its own cleanup) once it is cancelled.
    pub fn spawn_with<F>(&self, make: impl FnOnce(CancellationToken) -> F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tracker.spawn(make(self.cancel.clone()));
    }

    /// Whether shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// A token that is cancelled when shutdown begins.
    pub fn token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Cancels every task and waits until all have ended, or `within` has passed. True when all
    /// ended in time. Tasks spawned after this are cancelled at once.
    pub async fn shutdown(&self, within: Duration) -> bool {
        self.cancel.cancel();
        self.tracker.close();
        tokio::time::timeout(within, self.tracker.wait())
            .await
            .is_ok()
    }

    /// How many tasks are still running.
    pub fn len(&self) -> usize {
        self.tracker.len()
    }

    /// True when no task is running.
    pub fn is_empty(&self) -> bool {
        self.tracker.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[tokio::test(start_paused = true)]
    async fn shutdown_cancels_a_waiting_task_and_waits_for_a_cleanup() {
        let tasks = Tasks::new();
        tasks.spawn(async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            unreachable!("cancelled long before");
        });
        let cleaned = Arc::new(AtomicBool::new(false));
        let flag = cleaned.clone();
        tasks.spawn_with(|cancel| async move {
            cancel.cancelled().await;
            // A cleanup that takes a while (an IMAP LOGOUT) is waited for.
            tokio::time::sleep(Duration::from_millis(300)).await;
            flag.store(true, Ordering::SeqCst);
        });
        assert_eq!(tasks.len(), 2);
        assert!(tasks.shutdown(Duration::from_secs(2)).await);
        assert!(cleaned.load(Ordering::SeqCst), "the cleanup ran to its end");
        assert!(tasks.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_gives_up_on_a_task_that_does_not_end() {
        let tasks = Tasks::new();
        tasks.spawn_with(|_ignored| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        });
        let started = tokio::time::Instant::now();
        assert!(
            !tasks.shutdown(Duration::from_secs(2)).await,
            "a task that ignores the token is reported"
        );
        assert_eq!(started.elapsed(), Duration::from_secs(2), "bounded");
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_spawned_after_shutdown_is_cancelled_at_once() {
        let tasks = Tasks::new();
        assert!(tasks.shutdown(Duration::from_secs(1)).await);
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        tasks.spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            flag.store(true, Ordering::SeqCst);
        });
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!ran.load(Ordering::SeqCst));
        assert!(tasks.is_shutting_down());
    }
}
