//! Progress on stderr: a bar on a terminal, a few plain lines otherwise
//! (logs and CI output stay readable).

use std::io::IsTerminal;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
    total: u64,
    next_plain: u64,
    started: Instant,
}

impl Progress {
    pub fn new(label: &str, total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{msg:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_message(label.to_string());
            bar
        });
        if bar.is_none() {
            eprintln!("{label}: {} ...", units::size(total));
        }
        Progress {
            bar,
            label: label.to_string(),
            total,
            // Plain output reports quarters of long jobs only.
            next_plain: if total >= 256 << 20 {
                total / 4
            } else {
                u64::MAX
            },
            started: Instant::now(),
        }
    }

    pub fn set(&mut self, done: u64) {
        match &self.bar {
            Some(bar) => bar.set_position(done),
            None if done >= self.next_plain && done < self.total && self.total > 0 => {
                eprintln!("{}: {}%", self.label, done * 100 / self.total);
                self.next_plain = done + self.total / 4;
            }
            None => {}
        }
    }

    pub fn finish(self) -> f64 {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        self.started.elapsed().as_secs_f64()
    }
}
