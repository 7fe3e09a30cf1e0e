//! A clock that always says the same time, so images are reproducible.

use std::sync::Mutex;

use fatfs::{Date, DateTime, Time, TimeProvider};

/// One fixed moment, used for every time stamp a volume gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedTime {
    date_time: DateTime,
}

impl FixedTime {
    /// The moment `secs` after the Unix epoch (UTC), clamped to what FAT can
    /// store (1980-01-01 to 2107-12-31).
    pub fn from_unix(secs: i64) -> FixedTime {
        let t = time::OffsetDateTime::from_unix_timestamp(secs)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let (year, month, day, hour, min, sec) = if t.year() < 1980 {
            (1980, 1, 1, 0, 0, 0)
        } else if t.year() > 2107 {
            (2107, 12, 31, 23, 59, 58)
        } else {
            (
                t.year() as u16,
                u8::from(t.month()) as u16,
                t.day() as u16,
                t.hour() as u16,
                t.minute() as u16,
                t.second() as u16,
            )
        };
        FixedTime {
            date_time: DateTime {
                date: Date { year, month, day },
                time: Time {
                    hour,
                    min,
                    // FAT stores seconds in steps of two.
                    sec: sec & !1,
                    millis: 0,
                },
            },
        }
    }

    /// The moment as `fatfs` stores it.
    pub fn date_time(&self) -> DateTime {
        self.date_time
    }

    /// `fatfs` 0.3 wants a `&'static` provider. Providers are interned, so a
    /// process leaks one small value per distinct time, not one per volume.
    pub(crate) fn provider(self) -> &'static FixedTime {
        static INTERNED: Mutex<Vec<&'static FixedTime>> = Mutex::new(Vec::new());
        let mut interned = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = interned.iter().find(|p| ***p == self) {
            return p;
        }
        let p: &'static FixedTime = Box::leak(Box::new(self));
        interned.push(p);
        p
    }
}

/// 1980-01-01, the earliest moment FAT stores: the time of a volume
/// written where no build time applies. Never the wall clock.
impl Default for FixedTime {
    fn default() -> FixedTime {
        FixedTime::from_unix(315_532_800)
    }
}

impl TimeProvider for FixedTime {
    fn get_current_date(&self) -> Date {
        self.date_time.date
    }
    fn get_current_date_time(&self) -> DateTime {
        self.date_time
    }
}
