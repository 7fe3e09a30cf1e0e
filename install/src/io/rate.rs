//! Bytes done and the rate, for progress events.

use std::time::{Duration, Instant};

/// Counts bytes of one step and says when to report them: at most every
/// 100 ms, so a front end is not flooded.
#[derive(Debug)]
pub struct Meter {
    start: Instant,
    last: Option<Instant>,
    done: u64,
    total: u64,
}

impl Meter {
    /// A meter for `total` bytes.
    pub fn new(total: u64) -> Meter {
        Meter {
            start: Instant::now(),
            last: None,
            done: 0,
            total,
        }
    }

    /// Add `n` bytes; `Some((done, total, bytes per second))` when it is
    /// time to report.
    pub fn add(&mut self, n: u64) -> Option<(u64, u64, f64)> {
        self.done += n;
        let now = Instant::now();
        let due = self
            .last
            .is_none_or(|l| now.duration_since(l) >= Duration::from_millis(100))
            || self.done >= self.total;
        if !due {
            return None;
        }
        self.last = Some(now);
        Some((self.done, self.total, self.rate()))
    }

    /// Bytes per second since the start.
    pub fn rate(&self) -> f64 {
        let secs = self.start.elapsed().as_secs_f64();
        if secs > 0.0 {
            self.done as f64 / secs
        } else {
            0.0
        }
    }
}
