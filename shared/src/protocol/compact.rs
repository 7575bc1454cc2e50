//! Two messages have a shorter form, a bare number, on a client's own port (see the module
//! above): Chromium delivers a number far more cheaply than an object holding bytes.

/// One past the largest compact answer (`2 * u32::MAX + 1`); all of them are exact in an `f64`.
pub(super) const COMPACT_LIMIT: f64 = (1u64 << 33) as f64;

/// [`Reply::Answer`](super::Reply::Answer)`(answer)` to call `id`, as the bare number posted for it: `id * 2`, plus
/// one for yes.
pub fn compact_answer(id: u32, answer: bool) -> f64 {
    f64::from(id) * 2.0 + f64::from(u8::from(answer))
}

/// The call and answer a bare number names, if it is a [`compact_answer`] at all (a
/// whole number from 0 to `2 * u32::MAX + 1`).
pub fn read_compact_answer(n: f64) -> Option<(u32, bool)> {
    if !(0.0..COMPACT_LIMIT).contains(&n) {
        return None;
    }
    let whole = n as u64;
    if whole as f64 != n {
        return None; // a fraction
    }
    let n = whole;
    Some(((n >> 1) as u32, n & 1 == 1))
}

/// Call `id` asks what the client's previous request in full on this port asked: the bare
/// number posted for it, `-(id + 1)`. Only after a [`compact_answer`] on that port (the host
/// reads these, and has the port).
pub fn repeat_request(id: u32) -> f64 {
    -f64::from(id) - 1.0
}

/// The call a bare number names, if it is a [`repeat_request`] (a whole number from
/// `-(u32::MAX + 1)` to -1).
pub fn read_repeat(n: f64) -> Option<u32> {
    whole_u32(-n - 1.0)
}

/// `n` as a `u32`, if it is a whole number from 0 to `u32::MAX`: how JS numbers that stand
/// for call numbers, sequence numbers and milliseconds are read.
pub fn whole_u32(n: f64) -> Option<u32> {
    // No `f64::fract` in a no_std crate: a whole number survives the round trip through u32.
    ((0.0..=f64::from(u32::MAX)).contains(&n) && f64::from(n as u32) == n).then_some(n as u32)
}
