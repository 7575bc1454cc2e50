//! The layout of the `SharedArrayBuffer` a sync-mode worker blocks on.
//!
//! One buffer per client, reused for every call. It starts with four 32-bit words, then the
//! payload: the request while the call is `Requested`, the reply once it is `Replied`.
//!
//! | bytes   | word | meaning                                                               |
//! |---------|------|-----------------------------------------------------------------------|
//! | 0..4    | 0    | **state**: `seq << 3 \| phase`; the only word anyone waits or CASes on   |
//! | 4..8    | 1    | payload length in bytes (a reply that did not fit: the length it needs) |
//! | 8..12   | 2    | status: [`STATUS_OK`], or [`STATUS_OVERFLOW`] (the reply waits at the host) |
//! | 12..16  | 3    | **link**: [`LINK_UNKNOWN`], [`LINK_HELD`], [`LINK_WATCHED`] or [`LINK_RELEASED`], written by the host |
//! | 16..    |      | the postcard-encoded request, then reply                              |
//!
//! The phases of one call: the worker writes the request and `Requested`, posts the call's
//! sequence number as a bare number (a doorbell) and waits; the
//! host moves `Requested → Acked` as soon as it reads the request (no wake-up needed: the worker
//! only looks at it when its acknowledgement timeout runs out). To answer, it first claims the
//! call (`→ Writing`, a compare-and-swap), then writes the payload, moves to `Replied` and
//! notifies. Because the sequence number is part of the state, the state word changes before
//! every notify (no lost wake-ups); a late host can never write into a newer call, nor into
//! the request of the call after one the worker gave up on (its claim fails before it touches
//! the payload); and an empty or `false` reply is told from no reply by the phase. A worker
//! never gives up on a call the host is writing: that takes microseconds.
//!
//! `tests/frame_model.rs` runs these steps under a scheduler that tries thousands of
//! interleavings, and checks that every call ends with its own answer and no wake-up is lost.
//!
//! The link word says whether a host has this buffer. It is what tells a busy host from none:
//! a call not acknowledged within the client's `timeoutMs` fails for want of a host only while
//! the link is unknown; once held, the worker waits as long as the host's queue takes. When
//! the host lets go (detach, or the host is dropped) it writes `LINK_RELEASED` and answers the
//! call in flight, if any, with an error; a worker that starts a call on a released buffer
//! sees the word right after it publishes its request (both sides use sequentially consistent
//! atomics, so one of them always sees the other).
//!
//! Where the host has `Atomics.waitAsync` (Chromium does), it waits on the state word itself
//! and says so in the link word (`LINK_WATCHED`): a worker then announces a request with
//! `Atomics.notify` alone, with no message at all. The host reads the state word before it
//! waits and waits for a change from exactly that value, so a request published in between
//! ends the wait at once: no wake-up is lost.
//!
//! The host learns a buffer from the first request that carries it in a message (`sab`, beside
//! the request bytes), and keeps it for the port it came on. A request also travels that way
//! when it does not fit in the buffer. A doorbell is a bare number because Chromium delivers
//! one tens of microseconds sooner than an object: that is most of a sync call's cost.

mod host;
mod words;
mod worker;

pub use host::Written;
pub use words::Words;
pub use worker::{Waited, SPIN_MS};

/// A frame in memory that a worker and its host share, with the steps of a call on either
/// side: the worker's in `worker.rs`, the host's in `host.rs`.
#[derive(Clone)]
pub struct Frame<W> {
    words: W,
}

impl<W: Words> Frame<W> {
    /// The frame in `words`.
    pub fn over(words: W) -> Self {
        Frame { words }
    }

    /// The memory the frame lives in.
    pub fn words(&self) -> &W {
        &self.words
    }

    /// The buffer's size in bytes.
    pub fn byte_length(&self) -> usize {
        self.words.byte_length()
    }

    /// The payload room.
    pub fn capacity(&self) -> usize {
        capacity(self.words.byte_length())
    }

    /// The header as it stands (`None`: words no frame of ours has).
    fn header(&self) -> Option<Header> {
        let words = [STATE, LENGTH, STATUS, LINK].map(|i| self.words.load(i));
        Header::parse(words, self.words.byte_length())
    }

    /// Moves the state word from `from` to `to`; false when it no longer holds `from`.
    fn swap(&self, from: i32, to: i32) -> bool {
        self.words.compare_exchange(STATE, from, to)
    }
}

/// Bytes before the payload.
pub const HEADER_BYTES: usize = 16;
/// The default buffer size: room for any ordinary reply, error messages included.
pub const DEFAULT_BYTES: usize = 1024;
/// The size of a buffer a page hands to its host itself: it cannot grow, so it has room for
/// the longest answer the host sends (error messages are cut to fit).
pub const HANDED_BYTES: usize = 16 * 1024;
/// The smallest buffer accepted.
pub const MIN_BYTES: usize = HEADER_BYTES + 16;
/// The largest buffer accepted (a forged buffer cannot make the host write megabytes).
pub const MAX_BYTES: usize = HEADER_BYTES + crate::protocol::MAX_MESSAGE_BYTES;

/// Word index of the state.
pub const STATE: u32 = 0;
/// Word index of the reply length.
pub const LENGTH: u32 = 1;
/// Word index of the status.
pub const STATUS: u32 = 2;
/// Word index of the link.
pub const LINK: u32 = 3;

/// Link: no host has said it has this buffer.
pub const LINK_UNKNOWN: i32 = 0;
/// Link: a host has this buffer and will answer what is put in it.
pub const LINK_HELD: i32 = 1;
/// Link: the host let go of this buffer; nothing put in it will be answered.
pub const LINK_RELEASED: i32 = 2;
/// Link: the host has this buffer and waits on its state word itself (`Atomics.waitAsync`):
/// a request needs only an `Atomics.notify`, no doorbell message.
pub const LINK_WATCHED: i32 = 3;

/// Status: the reply is in the payload.
pub const STATUS_OK: i32 = 0;
/// Status: the reply is longer than the payload area; ask for it again with a larger buffer.
pub const STATUS_OVERFLOW: i32 = 1;

const SEQ_BITS: u32 = 29;
const PHASE_BITS: u32 = 3;
const SEQ_MASK: u32 = (1 << SEQ_BITS) - 1;

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// No call, or a call the worker gave up on.
    Idle = 0,
    /// The worker posted a request and waits.
    Requested = 1,
    /// The host has read the request.
    Acked = 2,
    /// The host has claimed the call and is writing its reply.
    Writing = 3,
    /// The reply is in the buffer.
    Replied = 4,
}

/// The state word for call `seq` (only its low 29 bits count) in `phase`.
pub const fn state(seq: u32, phase: Phase) -> i32 {
    (((seq & SEQ_MASK) << PHASE_BITS) | phase as u32) as i32
}

/// Splits a state word into the call's sequence number and its phase (`None`: a value no
/// step writes).
pub const fn split(state: i32) -> (u32, Option<Phase>) {
    let s = state as u32;
    let phase = match s & ((1 << PHASE_BITS) - 1) {
        0 => Phase::Idle,
        1 => Phase::Requested,
        2 => Phase::Acked,
        3 => Phase::Writing,
        4 => Phase::Replied,
        _ => return (s >> PHASE_BITS, None),
    };
    (s >> PHASE_BITS, Some(phase))
}

/// Whether `a` and `b` name the same call, as the state word sees them.
pub const fn same_seq(a: u32, b: u32) -> bool {
    a & SEQ_MASK == b & SEQ_MASK
}

/// The payload room in a buffer of `buffer_bytes`.
pub const fn capacity(buffer_bytes: usize) -> usize {
    buffer_bytes.saturating_sub(HEADER_BYTES)
}

/// The buffer size to allocate for a payload of `payload_bytes`: rounded up to a power of two,
/// so a client that grows does so rarely.
pub fn bytes_for(payload_bytes: usize) -> usize {
    (HEADER_BYTES + payload_bytes)
        .next_power_of_two()
        .clamp(DEFAULT_BYTES, MAX_BYTES.next_power_of_two())
}

/// The four header words of a frame, as read from a buffer someone else may have written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The call's sequence number (low 30 bits).
    pub seq: u32,
    /// Where the call is.
    pub phase: Phase,
    /// The payload length: within the buffer's capacity, unless `status` is overflow (then it
    /// is the room a reply needs).
    pub len: usize,
    /// [`STATUS_OK`] or [`STATUS_OVERFLOW`].
    pub status: i32,
}

impl Header {
    /// Reads the header words of a buffer of `buffer_bytes`; `None` when they cannot be a
    /// frame's (a negative or out-of-range length, an unknown status): the payload is then
    /// left unread.
    pub fn parse(words: [i32; 4], buffer_bytes: usize) -> Option<Header> {
        let (seq, phase) = split(words[STATE as usize]);
        let phase = phase?;
        let status = words[STATUS as usize];
        let len = usize::try_from(words[LENGTH as usize]).ok()?;
        let fits = len <= capacity(buffer_bytes);
        match status {
            STATUS_OK if fits => {}
            STATUS_OVERFLOW if phase == Phase::Replied && len <= MAX_BYTES => {}
            _ => return None,
        }
        Some(Header {
            seq,
            phase,
            len,
            status,
        })
    }

    /// The header of a frame image (`bytes`: header then payload, little-endian words, as in
    /// a `SharedArrayBuffer` on the web) and the payload bytes it names.
    pub fn split_image(bytes: &[u8]) -> Option<(Header, &[u8])> {
        if bytes.len() < HEADER_BYTES {
            return None;
        }
        let word = |i: usize| {
            i32::from_le_bytes([
                bytes[4 * i],
                bytes[4 * i + 1],
                bytes[4 * i + 2],
                bytes[4 * i + 3],
            ])
        };
        let header = Header::parse([word(0), word(1), word(2), word(3)], bytes.len())?;
        let payload = match header.status {
            STATUS_OK => &bytes[HEADER_BYTES..HEADER_BYTES + header.len],
            _ => &[],
        };
        Some((header, payload))
    }
}

/// Checks a buffer size received from elsewhere.
pub fn check_size(buffer_bytes: usize) -> Result<(), crate::Error> {
    if !(MIN_BYTES..=MAX_BYTES.next_power_of_two()).contains(&buffer_bytes) || buffer_bytes % 4 != 0
    {
        return Err(crate::Error::new(
            crate::ErrorKind::Protocol,
            crate::text!(
                "a shared buffer of ",
                buffer_bytes,
                " bytes is not a valid fshandles frame (a multiple of 4 from ",
                MIN_BYTES,
                " to ",
                MAX_BYTES.next_power_of_two(),
                " bytes)"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use super::*;

    const PHASES: [Phase; 5] = [
        Phase::Idle,
        Phase::Requested,
        Phase::Acked,
        Phase::Writing,
        Phase::Replied,
    ];

    #[test]
    fn states_split_back() {
        for seq in [0, 1, 7, SEQ_MASK, SEQ_MASK + 1, u32::MAX] {
            for phase in PHASES {
                let (s, p) = split(state(seq, phase));
                assert_eq!(p, Some(phase));
                assert!(same_seq(s, seq));
            }
        }
    }

    #[test]
    fn every_phase_change_changes_the_word() {
        let s = 12345;
        let words = PHASES.map(|p| state(s, p));
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // And the next call's request differs from the last call's reply.
        assert_ne!(state(s, Phase::Replied), state(s + 1, Phase::Requested));
    }

    #[test]
    fn headers_out_of_range_are_refused() {
        let ok = Header::parse([state(7, Phase::Requested), 10, STATUS_OK, 0], 64).unwrap();
        assert_eq!((ok.seq, ok.phase, ok.len), (7, Phase::Requested, 10));
        assert!(
            Header::parse([0, -1, STATUS_OK, 0], 64).is_none(),
            "negative length"
        );
        assert!(
            Header::parse([0, 49, STATUS_OK, 0], 64).is_none(),
            "longer than the room"
        );
        assert!(Header::parse([0, 1, 7, 0], 64).is_none(), "unknown status");
        assert!(
            Header::parse([7, 1, STATUS_OK, 0], 64).is_none(),
            "unknown phase"
        );
        let needs = Header::parse([state(1, Phase::Replied), 5000, STATUS_OVERFLOW, 0], 64);
        assert_eq!(
            needs.map(|h| h.len),
            Some(5000),
            "an overflow names the room it needs"
        );
        assert!(
            Header::parse([state(1, Phase::Requested), 5000, STATUS_OVERFLOW, 0], 64).is_none()
        );
        let mut image = [0u8; 20];
        image[4] = 4;
        image[16..].copy_from_slice(b"abcd");
        assert_eq!(Header::split_image(&image).unwrap().1, b"abcd");
        assert!(Header::split_image(&image[..15]).is_none());
    }

    #[test]
    fn sizes() {
        assert_eq!(capacity(DEFAULT_BYTES), DEFAULT_BYTES - HEADER_BYTES);
        assert_eq!(bytes_for(10), DEFAULT_BYTES);
        assert_eq!(bytes_for(DEFAULT_BYTES), 2 * DEFAULT_BYTES);
        assert!(capacity(bytes_for(5000)) >= 5000);
        assert!(check_size(DEFAULT_BYTES).is_ok());
        assert!(check_size(bytes_for(crate::protocol::MAX_MESSAGE_BYTES)).is_ok());
        assert!(check_size(8).is_err());
        assert!(check_size(DEFAULT_BYTES + 2).is_err());
        assert!(check_size(1 << 30).is_err());
    }
}
