//! When a refresh nobody waits for is worth a fetch, and from when a memo
//! hit asks for one (`refreshAhead`, `backgroundRefresh`).
//!
//! A refresh the client starts by itself is answered from the set in use
//! when that set is already as new as its trigger asks: something else
//! fetched meanwhile (a lookup's miss, `reload()`, or another thread's
//! client of a shared set), so a fleet of sharing threads fetches once per
//! period or window rather than once per thread.

use crate::Millis;

/// `refreshAhead` and `backgroundRefresh`, in milliseconds (0: off).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefreshPlan {
    /// How long before a set's expiry a hit starts its refresh.
    pub ahead: Millis,
    /// The period of the background refresh.
    pub every: Millis,
}

/// What asked for a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `reload()`: the caller waits for the keys.
    Reload,
    /// `warm()`: as `reload()`, before the first lookup.
    Warm,
    /// A memo hit within the refresh-ahead window.
    RefreshAhead,
    /// The background timer.
    BackgroundRefresh,
}

impl Trigger {
    /// The trigger named as the shim (and `refresh` events) name it.
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "reload" => Some(Trigger::Reload),
            "warm" => Some(Trigger::Warm),
            "refreshAhead" => Some(Trigger::RefreshAhead),
            "backgroundRefresh" => Some(Trigger::BackgroundRefresh),
            _ => None,
        }
    }

    /// Whether a caller waits for the keys: it always fetches, and waits
    /// for a rate-limit token where a refresh nobody waits for is refused.
    pub fn waits(self) -> bool {
        matches!(self, Trigger::Reload | Trigger::Warm)
    }
}

/// A background run skips a set fetched less than this share (in percent)
/// of its period ago: below the timer's least delay (90% of the period),
/// so a client alone still fetches at every tick of its own timer.
const RECENT_PERCENT: Millis = 80;

impl RefreshPlan {
    /// Whether the set fetched at `fetched_at`, fresh until `fresh_until`
    /// (`None`: for ever), already satisfies `trigger` at `now`.
    pub fn already_fresh(
        &self,
        trigger: Trigger,
        fetched_at: Millis,
        fresh_until: Option<Millis>,
        now: Millis,
    ) -> bool {
        if fresh_until.is_some_and(|until| now > until) {
            return false;
        }
        match trigger {
            Trigger::BackgroundRefresh => {
                now.saturating_sub(fetched_at) < self.every.saturating_mul(RECENT_PERCENT) / 100
            }
            Trigger::RefreshAhead => self
                .window_opens(fetched_at, fresh_until)
                .is_none_or(|opens| now < opens),
            Trigger::Reload | Trigger::Warm => false,
        }
    }

    /// When a set fetched at `fetched_at`, fresh until `fresh_until`, enters
    /// its refresh-ahead window (`None`: never). A life shorter than
    /// `cacheMaxAge` (`respectCacheControl`) opens it half-way at the
    /// latest, so a short life never means a fetch per lookup.
    pub fn window_opens(&self, fetched_at: Millis, fresh_until: Option<Millis>) -> Option<Millis> {
        let life = fresh_until?.saturating_sub(fetched_at);
        Some(fetched_at.saturating_add(life.saturating_sub(self.ahead).max(life / 2)))
    }

    /// From when a hit on the set in use starts a refresh: its window with
    /// `refreshAhead`, else its expiry; never before `spent_until` (a failed
    /// refresh-ahead leaves the rest of its set's life to lookups).
    pub fn refresh_from(
        &self,
        fetched_at: Millis,
        fresh_until: Option<Millis>,
        spent_until: Millis,
    ) -> Option<Millis> {
        if self.ahead == 0 {
            return fresh_until;
        }
        Some(self.window_opens(fetched_at, fresh_until)?.max(spent_until))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: RefreshPlan = RefreshPlan {
        ahead: 10_000,
        every: 60_000,
    };

    #[test]
    fn a_window_opens_ahead_of_expiry_but_never_before_half_the_life() {
        assert_eq!(PLAN.window_opens(0, Some(100_000)), Some(90_000));
        assert_eq!(PLAN.window_opens(0, Some(12_000)), Some(6_000));
        assert_eq!(PLAN.window_opens(0, None), None);
    }

    #[test]
    fn a_background_run_skips_a_set_fetched_within_most_of_its_period() {
        let fresh = |now| PLAN.already_fresh(Trigger::BackgroundRefresh, 0, Some(600_000), now);
        assert!(fresh(47_999));
        assert!(!fresh(48_000));
        assert!(!PLAN.already_fresh(Trigger::BackgroundRefresh, 0, Some(10), 11));
    }

    #[test]
    fn refresh_ahead_skips_a_set_not_yet_in_its_window_and_callers_never_skip() {
        assert!(PLAN.already_fresh(Trigger::RefreshAhead, 0, Some(100_000), 89_999));
        assert!(!PLAN.already_fresh(Trigger::RefreshAhead, 0, Some(100_000), 90_000));
        assert!(PLAN.already_fresh(Trigger::RefreshAhead, 0, None, 1 << 50));
        assert!(!PLAN.already_fresh(Trigger::Reload, 0, None, 1));
        assert!(!PLAN.already_fresh(Trigger::Warm, 0, None, 1));
    }

    #[test]
    fn refresh_starts_from_the_window_or_the_expiry_and_after_a_spent_window() {
        assert_eq!(PLAN.refresh_from(0, Some(100_000), 0), Some(90_000));
        assert_eq!(PLAN.refresh_from(0, Some(100_000), 100_001), Some(100_001));
        assert_eq!(PLAN.refresh_from(0, None, 0), None);
        let off = RefreshPlan::default();
        assert_eq!(off.refresh_from(0, Some(100_000), 0), Some(100_000));
    }

    #[test]
    fn triggers_are_named_as_the_shim_names_them() {
        for (name, trigger) in [
            ("reload", Trigger::Reload),
            ("warm", Trigger::Warm),
            ("refreshAhead", Trigger::RefreshAhead),
            ("backgroundRefresh", Trigger::BackgroundRefresh),
        ] {
            assert_eq!(Trigger::named(name), Some(trigger));
        }
        assert_eq!(Trigger::named("other"), None);
    }
}
