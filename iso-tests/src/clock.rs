//! How much work the machine has done, and budgets measured in it.
//!
//! Under TCG with one vCPU, the emulated machine moves exactly as fast as
//! QEMU gets a core: booting the ISO to the Welcome screen took 14.5 s on
//! an idle two-core host and 28.9 s beside two busy processes, and 9.7 s
//! of QEMU's CPU time both times. A wall-clock budget tuned on the idle
//! host fails a healthy run on a busy one. So waits count the
//! CPU time the QEMU process consumed since they began ("machine time"):
//! a host that gives QEMU half a core doubles the wall time without
//! failing the wait. A guest that waits idle (for input that never comes,
//! or for a timer) consumes almost no CPU time, so each budget also has a
//! wall-clock backstop, `WALL_BACKSTOP` times the budget.

use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many times its budget of machine time a wait may last in wall
/// time: room for a host that gives QEMU a fifth of a core, and the end of
/// a wait for a guest that sits idle.
pub const WALL_BACKSTOP: u32 = 5;

/// Clock ticks of `utime` and `stime` in `/proc/PID/stat`: `USER_HZ`,
/// which the kernel's interface fixes at 100 whatever its own tick rate.
const USER_HZ: u64 = 100;

/// What a machine's processes have used, read at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MachineTimes {
    /// CPU time consumed (user and system, all threads): the machine's
    /// progress.
    pub cpu: Duration,
}

/// Reads a machine's `MachineTimes`: from `/proc` for a QEMU process, or
/// from any function (tests).
#[derive(Clone)]
pub struct MachineClock {
    read: Arc<dyn Fn() -> Option<MachineTimes> + Send + Sync>,
}

impl std::fmt::Debug for MachineClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MachineClock").finish_non_exhaustive()
    }
}

impl MachineClock {
    /// The CPU time of process `pid` (QEMU), all its threads.
    pub fn process(pid: u32) -> MachineClock {
        MachineClock::from_fn(move || {
            let f = stat_fields(pid)?;
            Some(MachineTimes {
                cpu: ticks(&f, 11) + ticks(&f, 12),
            })
        })
    }

    /// The CPU time of process `pid` and of every process it started that
    /// still runs (or that it has reaped): for a script whose child is
    /// QEMU.
    pub fn process_tree(pid: u32) -> MachineClock {
        MachineClock::from_fn(move || {
            let mut cpu = Duration::ZERO;
            let mut todo = vec![pid];
            let mut root = true;
            while let Some(p) = todo.pop() {
                match stat_fields(p) {
                    Some(f) => {
                        cpu += ticks(&f, 11) + ticks(&f, 12) + ticks(&f, 13) + ticks(&f, 14);
                    }
                    // The script itself is gone: nothing to measure.
                    None if root => return None,
                    None => continue,
                }
                root = false;
                todo.extend(children(p));
            }
            Some(MachineTimes { cpu })
        })
    }

    /// A clock read by `f`; `None` when it cannot be read (the machine is
    /// gone).
    pub fn from_fn(f: impl Fn() -> Option<MachineTimes> + Send + Sync + 'static) -> MachineClock {
        MachineClock { read: Arc::new(f) }
    }

    pub fn read(&self) -> Option<MachineTimes> {
        (self.read)()
    }
}

/// The fields of `/proc/PID/stat` after the command name (which may hold
/// spaces and parentheses): field 3 of proc(5), the state, is index 0.
fn stat_fields(pid: u32) -> Option<Vec<u64>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 1..];
    // The state is a letter; keep the positions of the numbers after it.
    Some(
        rest.split_whitespace()
            .map(|f| f.parse().unwrap_or(0))
            .collect(),
    )
}

/// Field `index` of `stat_fields` (11: utime, 12: stime, 13: cutime, 14:
/// cstime) as a duration.
fn ticks(fields: &[u64], index: usize) -> Duration {
    let t = fields.get(index).copied().unwrap_or(0);
    Duration::from_millis(t * 1000 / USER_HZ)
}

/// The live children of every thread of `pid`.
fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for task in tasks.flatten() {
        if let Ok(text) = std::fs::read_to_string(task.path().join("children")) {
            out.extend(
                text.split_whitespace()
                    .filter_map(|p| p.parse::<u32>().ok()),
            );
        }
    }
    out
}

/// A wait's allowance: `limit` of machine time when there is a machine
/// clock (with the wall-clock backstop), otherwise of wall time.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: Duration,
    clock: Option<MachineClock>,
    wall_start: Instant,
    cpu_start: Option<Duration>,
    /// The last CPU time read: kept when the clock can no longer be read
    /// (QEMU has just ended), so machine time stops rather than vanishes.
    cpu_last: Option<Duration>,
}

/// How long a waiter sleeps at most before it reads the machine's clock
/// again.
const POLL: Duration = Duration::from_millis(100);

impl Budget {
    pub(crate) fn start(limit: Duration, clock: Option<&MachineClock>) -> Budget {
        let cpu_start = clock.and_then(MachineClock::read).map(|t| t.cpu);
        Budget {
            limit,
            clock: clock.cloned(),
            wall_start: Instant::now(),
            cpu_start,
            cpu_last: cpu_start,
        }
    }

    pub(crate) fn wall(&self) -> Duration {
        self.wall_start.elapsed()
    }

    /// Machine time since the start; `None` without a machine clock.
    pub(crate) fn machine(&mut self) -> Option<Duration> {
        let clock = self.clock.as_ref()?;
        if let Some(t) = clock.read() {
            self.cpu_last = Some(t.cpu);
        }
        Some(match (self.cpu_start, self.cpu_last) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => Duration::ZERO,
        })
    }

    fn backstop(&self) -> Duration {
        self.limit * WALL_BACKSTOP
    }

    /// What passed, for messages: "12.3 s of machine time and 40.1 s of
    /// wall time".
    pub(crate) fn spent(&mut self) -> String {
        let wall = self.wall().as_secs_f64();
        match self.machine() {
            Some(m) => format!(
                "{:.1} s of machine time and {wall:.1} s of wall time",
                m.as_secs_f64()
            ),
            None => format!("{wall:.1} s of wall time"),
        }
    }

    /// `Ok(how long to sleep at most before checking again)`, or which
    /// allowance ran out, with what passed.
    pub(crate) fn check(&mut self) -> Result<Duration, String> {
        let wall = self.wall();
        let limit = secs(self.limit);
        let Some(machine) = self.machine() else {
            if wall >= self.limit {
                return Err(format!(
                    "its budget of {limit} of wall time ran out after {:.1} s \
                     (this console has no machine clock)",
                    wall.as_secs_f64()
                ));
            }
            return Ok(POLL.min(self.limit - wall));
        };
        if machine >= self.limit {
            return Err(format!(
                "its budget of {limit} of machine time ran out ({})",
                self.spent()
            ));
        }
        if wall >= self.backstop() {
            return Err(format!(
                "the wall-clock backstop of {} ({WALL_BACKSTOP} times its budget of {limit} \
                 of machine time) ran out ({}): the machine was mostly idle, waiting for \
                 something",
                secs(self.backstop()),
                self.spent()
            ));
        }
        // Read again well before the machine could have used up the rest,
        // and often enough for short budgets to end close to their limit.
        let left = (self.limit - machine) / 4;
        Ok(left
            .clamp(Duration::from_millis(5), POLL)
            .min(self.backstop() - wall))
    }
}

/// "60 s", "0.5 s".
fn secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// A machine clock a test moves by hand: milliseconds of CPU time.
#[cfg(test)]
pub(crate) fn fake_clock() -> (Arc<std::sync::atomic::AtomicU64>, MachineClock) {
    use std::sync::atomic::{AtomicU64, Ordering};
    let ms = Arc::new(AtomicU64::new(0));
    let read = Arc::clone(&ms);
    let clock = MachineClock::from_fn(move || {
        Some(MachineTimes {
            cpu: Duration::from_millis(read.load(Ordering::SeqCst)),
        })
    });
    (ms, clock)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn fake() -> (Arc<AtomicU64>, MachineClock) {
        fake_clock()
    }

    #[test]
    fn a_budget_counts_machine_time_not_wall_time() {
        let (ms, clock) = fake();
        ms.store(5_000, Ordering::SeqCst);
        let mut b = Budget::start(Duration::from_millis(300), Some(&clock));
        // Wall time passes, the machine does nothing: still within budget.
        std::thread::sleep(Duration::from_millis(350));
        assert!(b.check().is_ok());
        ms.store(5_299, Ordering::SeqCst);
        assert!(b.check().is_ok());
        ms.store(5_300, Ordering::SeqCst);
        let e = b.check().unwrap_err();
        assert!(e.contains("budget of 0.3 s of machine time ran out"), "{e}");
        assert!(
            e.contains("(0.3 s of machine time and 0.4 s of wall time)"),
            "{e}"
        );
    }

    #[test]
    fn an_idle_machine_ends_at_the_wall_clock_backstop() {
        let (_ms, clock) = fake();
        let mut b = Budget::start(Duration::from_millis(40), Some(&clock));
        let started = Instant::now();
        let e = loop {
            match b.check() {
                Ok(poll) => std::thread::sleep(poll),
                Err(e) => break e,
            }
        };
        assert!(started.elapsed() >= Duration::from_millis(200), "{e}");
        assert!(e.contains("wall-clock backstop of 0.2 s"), "{e}");
        assert!(e.contains("0.0 s of machine time"), "{e}");
    }

    #[test]
    fn without_a_machine_clock_a_budget_is_wall_time() {
        let mut b = Budget::start(Duration::from_millis(50), None);
        assert!(b.check().is_ok());
        std::thread::sleep(Duration::from_millis(60));
        let e = b.check().unwrap_err();
        assert!(
            e.contains("0.1 s of wall time ran out") || e.contains("of wall time ran out"),
            "{e}"
        );
        assert!(e.contains("no machine clock"), "{e}");
    }

    #[test]
    fn a_machine_that_is_gone_keeps_its_last_time() {
        let ms = Arc::new(AtomicU64::new(100));
        let read = Arc::clone(&ms);
        let clock = MachineClock::from_fn(move || {
            let v = read.load(Ordering::SeqCst);
            (v != u64::MAX).then(|| MachineTimes {
                cpu: Duration::from_millis(v),
            })
        });
        let mut b = Budget::start(Duration::from_secs(10), Some(&clock));
        ms.store(600, Ordering::SeqCst);
        assert_eq!(b.machine(), Some(Duration::from_millis(500)));
        ms.store(u64::MAX, Ordering::SeqCst);
        assert_eq!(b.machine(), Some(Duration::from_millis(500)));
    }

    #[test]
    fn the_clock_of_a_process_follows_its_cpu_time() {
        // A shell that keeps a core busy, and one that sleeps.
        let mut busy = std::process::Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .spawn()
            .unwrap();
        let mut idle = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let busy_clock = MachineClock::process(busy.id());
        let idle_clock = MachineClock::process(idle.id());
        let first = busy_clock.read().unwrap();
        let idle_first = idle_clock.read().unwrap();
        // However loaded the host, the busy one gets some CPU time.
        let deadline = Instant::now() + Duration::from_secs(60);
        let last = loop {
            std::thread::sleep(Duration::from_millis(50));
            let t = busy_clock.read().unwrap();
            if t.cpu >= first.cpu + Duration::from_millis(100) || Instant::now() > deadline {
                break t;
            }
        };
        let idle_last = idle_clock.read().unwrap();
        let _ = busy.kill();
        let _ = idle.kill();
        let _ = busy.wait();
        let _ = idle.wait();
        assert!(
            last.cpu >= first.cpu + Duration::from_millis(100),
            "{first:?} {last:?}"
        );
        assert!(idle_last.cpu - idle_first.cpu < Duration::from_millis(50));
        // Once reaped, the process is gone.
        assert_eq!(busy_clock.read(), None);
    }

    #[test]
    fn the_clock_of_a_process_tree_counts_its_children() {
        // A shell whose child does the work, as a script whose child is
        // QEMU.
        let mut script = std::process::Command::new("sh")
            .args(["-c", "sh -c 'while :; do :; done'; :"])
            .spawn()
            .unwrap();
        let tree = MachineClock::process_tree(script.id());
        let own = MachineClock::process(script.id());
        let deadline = Instant::now() + Duration::from_secs(60);
        let t = loop {
            std::thread::sleep(Duration::from_millis(50));
            let t = tree.read().unwrap();
            if t.cpu >= Duration::from_millis(100) || Instant::now() > deadline {
                break t;
            }
        };
        let o = own.read().unwrap();
        // Killing the shell leaves its child: end the child first.
        for c in children(script.id()) {
            let _ = std::process::Command::new("kill")
                .arg(c.to_string())
                .status();
        }
        let _ = script.kill();
        let _ = script.wait();
        assert!(t.cpu >= Duration::from_millis(100), "{t:?}");
        assert!(o.cpu < Duration::from_millis(50), "{o:?}");
    }
}
