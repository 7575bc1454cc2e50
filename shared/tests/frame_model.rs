//! A model test of the shared-buffer frame: a worker, a host and a page that lets go, as
//! threads that [shuttle] schedules one shared-memory access at a time, running the frame's
//! real steps (`Frame::wait`, `Frame::look`, `Frame::reply`, ...) over [`Model`] memory.
//!
//! `Atomics.wait` and `Atomics.waitAsync` wake on `Atomics.notify`, not on a change of the
//! word: a store that nobody announces leaves the waiter asleep. The model keeps that rule
//! (a waiter sleeps on a condition variable that only `notify` and the host's message queue
//! signal), so a lost wake-up shows as a deadlock, which shuttle reports. Timeouts are
//! nondeterministic: a wait with one may run out at any point.
//!
//! What is checked, over thousands of random and PCT schedules:
//! - with a host, every call is answered, with the answer to its own request, and served once,
//!   whether the host rings by message, waits on the buffer, or stops waiting on it mid-way;
//! - a call that timed out is never answered with another call's answer, however late the
//!   host is;
//! - a host that lets go ends the call in flight and every later one;
//! - with no host, every call ends (no one to answer it, no hang);
//! - a call the host takes and never answers (a prompt nobody answers) ends at its reply
//!   deadline, however the worker's blocking and the host's taking interleave;
//! - and the model does find a lost wake-up: memory whose `notify` does nothing deadlocks, and
//!   so does a host that takes a call for later without saying so.
#![allow(clippy::disallowed_macros, clippy::disallowed_types)] // a test: it ships nowhere

use fshandles_shared::frame::{self, Frame, Waited, Words, HEADER_BYTES, STATE};
use fshandles_shared::Error;
use shuttle::rand::{thread_rng, Rng};
use shuttle::sync::atomic::{AtomicI32, AtomicU8, Ordering::SeqCst};
use shuttle::sync::{Arc, Condvar, Mutex};
use std::collections::VecDeque;

/// Frame memory whose every word and byte access is a point where another thread may run.
#[derive(Clone)]
struct Model(Arc<Shared>);

struct Shared {
    words: [AtomicI32; 4],
    payload: Vec<AtomicU8>,
    /// The host's queue of doorbells (a bare number posted) and the end of the run; its
    /// condition variable is also what `Atomics.wait`/`waitAsync` sleep on.
    events: Mutex<Events>,
    wake: Condvar,
    /// A virtual clock in microseconds: each reading moves it on a little, a wait that runs
    /// out moves it past its timeout.
    clock: std::sync::atomic::AtomicU64,
    /// `notify` does nothing (to show the model finds a lost wake-up).
    mute: bool,
}

#[derive(Default)]
struct Events {
    doorbells: VecDeque<u32>,
    done: bool,
}

impl Model {
    fn new(payload_bytes: usize, mute: bool) -> Model {
        Model(Arc::new(Shared {
            words: Default::default(),
            payload: (0..payload_bytes).map(|_| AtomicU8::new(0)).collect(),
            events: Mutex::new(Events::default()),
            wake: Condvar::new(),
            clock: Default::default(),
            mute,
        }))
    }

    /// Worker: posts a doorbell for call `seq`.
    fn post(&self, seq: u32) {
        self.0.events.lock().unwrap().doorbells.push_back(seq);
        self.0.wake.notify_all();
    }

    /// Worker: it has made all its calls; the host and the page may stop.
    fn finish(&self) {
        self.0.events.lock().unwrap().done = true;
        self.0.wake.notify_all();
    }
}

impl Words for Model {
    fn load(&self, index: u32) -> i32 {
        self.0.words[index as usize].load(SeqCst)
    }

    fn store(&self, index: u32, value: i32) {
        self.0.words[index as usize].store(value, SeqCst)
    }

    fn compare_exchange(&self, index: u32, from: i32, to: i32) -> bool {
        self.0.words[index as usize]
            .compare_exchange(from, to, SeqCst, SeqCst)
            .is_ok()
    }

    fn notify(&self) {
        if !self.0.mute {
            // Taking the lock orders this after a waiter's check of the word: it is either
            // asleep already (and woken) or has not looked yet (and sees the new value).
            drop(self.0.events.lock().unwrap());
            self.0.wake.notify_all();
        }
    }

    fn wait(&self, expected: i32, timeout_ms: f64) -> Result<(), Error> {
        if timeout_ms.is_finite() {
            // May run out at any point: look again later, or now with the time gone.
            shuttle::thread::yield_now();
            if self.load(STATE) == expected && thread_rng().gen_bool(0.3) {
                let micros = (timeout_ms * 1000.0).ceil() as u64;
                self.0
                    .clock
                    .fetch_add(micros, std::sync::atomic::Ordering::SeqCst);
            }
            return Ok(());
        }
        let mut events = self.0.events.lock().unwrap();
        while self.load(STATE) == expected {
            events = self.0.wake.wait(events).unwrap();
        }
        Ok(())
    }

    fn now_ms(&self) -> f64 {
        let t = self
            .0
            .clock
            .fetch_add(50, std::sync::atomic::Ordering::SeqCst);
        t as f64 / 1000.0
    }

    fn byte_length(&self) -> usize {
        HEADER_BYTES + self.0.payload.len()
    }

    fn write_payload(&self, bytes: &[u8]) {
        for (cell, b) in self.0.payload.iter().zip(bytes) {
            cell.store(*b, SeqCst);
        }
    }

    fn read_payload(&self, len: usize, out: &mut Vec<u8>) {
        out.clear();
        out.extend(self.0.payload[..len].iter().map(|c| c.load(SeqCst)));
    }
}

/// Call `seq`'s request: its number, then a body that differs per call.
fn request(seq: u32) -> Vec<u8> {
    let mut r = seq.to_le_bytes().to_vec();
    r.extend((seq * 7).to_le_bytes());
    r
}

/// The host's answer to a request it read: the bytes reversed.
/// The host's answer to a request it read: the bytes reversed; every third call's is padded
/// past the payload room (16 bytes), so that it overflows and the worker is told the room it
/// needs.
fn answer(request: &[u8]) -> Vec<u8> {
    let mut a: Vec<u8> = request.iter().rev().copied().collect();
    if request.len() >= 4
        && u32::from_le_bytes([request[0], request[1], request[2], request[3]]) % 3 == 0
    {
        a.resize(ROOM + 4, 0xAA);
    }
    a
}

/// The payload room of the model's frames.
const ROOM: usize = 16;

/// What call `seq` ends with when it is answered.
fn answered(seq: u32) -> Outcome {
    match answer(&request(seq)).len() {
        n if n > ROOM => Outcome::Overflow(n),
        _ => Outcome::Answered,
    }
}

const DETACHED: &[u8] = b"detached";
const MALFORMED: &[u8] = b"malformed";

/// What the host does; the run's choices are drawn by shuttle, so they replay.
#[derive(Clone, Copy)]
struct HostPlan {
    /// Waits on the buffer itself once it has it (else it is rung by message).
    watch: bool,
    /// Stops waiting on it after this many events.
    unwatch_after: Option<u32>,
    /// Answers a call in a later turn than the one that took it (as a prompt or an IndexedDB
    /// read does), instead of at once.
    defer: bool,
    /// Lets go of the buffer (detach, or the host dropped) after this many events.
    release_after: Option<u32>,
    /// Takes this call and never answers it (a prompt nobody answers).
    unanswered: Option<u32>,
    /// Wakes the worker when it takes a call it answers later ([`Frame::answer_later`]), as
    /// the host does; off only to show that the model finds the wake-up lost without it.
    announce_later: bool,
}

/// The host, one thread as the page's main thread is: takes doorbells from its queue and,
/// once it watches the buffer, looks at the state word whenever a wait on it ends, as
/// `main-thread/src/serve` does. Returns the calls it took, in order.
fn host(frame: Frame<Model>, plan: HostPlan) -> Vec<u32> {
    let model = frame.words().clone();
    let mut served = Taken {
        calls: Vec::new(),
        pending: Vec::new(),
        plan,
    };
    let mut adopted = false;
    let mut watching = false;
    let mut seen: Option<i32> = None;
    let mut events_handled = 0;
    loop {
        if plan.release_after == Some(events_handled) {
            // Answers the call in flight, if any; a deferred answer then finds it taken.
            frame.release(|_| DETACHED.to_vec());
            flush(&frame, &mut served);
            return served.calls;
        }
        flush(&frame, &mut served);
        let doorbell = {
            let mut events = model.0.events.lock().unwrap();
            loop {
                if let Some(seq) = events.doorbells.pop_front() {
                    break Some(seq);
                }
                if events.done {
                    return served.calls;
                }
                match seen {
                    _ if !watching => {}
                    None => break None,
                    Some(s) if frame.state_word() != s => break None,
                    Some(_) => {}
                }
                events = model.0.wake.wait(events).unwrap();
            }
        };
        match doorbell {
            Some(seq) => {
                if !adopted {
                    // The first request brings the buffer: hold it, and watch it if we can.
                    adopted = true;
                    frame.hold();
                    watching = plan.watch && frame.mark_watched();
                }
                serve(&frame, seq, &mut served);
            }
            None => seen = frame.look(|seq| serve(&frame, seq, &mut served)),
        }
        events_handled += 1;
        if watching && plan.unwatch_after == Some(events_handled) {
            watching = false;
            seen = None;
            if let Some(seq) = frame.unwatch() {
                serve(&frame, seq, &mut served);
            }
        }
    }
}

/// One request, as the host's doorbell and dispatch take it: read, check, acknowledge (once),
/// answer (now, or in a later turn when `defer`, or never when it is the unanswered call).
fn serve(frame: &Frame<Model>, seq: u32, taken: &mut Taken) {
    let mut buf = Vec::new();
    if !frame.read_request(seq, &mut buf) {
        return;
    }
    let names_seq = buf.len() == 8 && buf[..4] == seq.to_le_bytes();
    if !names_seq || buf != request(seq) {
        // Torn or foreign bytes: answered with an error, which reaches no one if the call
        // moved on meanwhile.
        frame.ack(seq);
        frame.reply(seq, MALFORMED);
        return;
    }
    if !frame.ack(seq) {
        return;
    }
    taken.calls.push(seq);
    let never = taken.plan.unanswered == Some(seq);
    if !taken.plan.defer && !never {
        frame.reply(seq, &answer(&buf));
        return;
    }
    if taken.plan.announce_later {
        frame.answer_later();
    }
    if !never {
        taken.pending.push((seq, answer(&buf)));
    }
}

/// The calls a host took, and the answers it has yet to write.
struct Taken {
    calls: Vec<u32>,
    pending: Vec<(u32, Vec<u8>)>,
    plan: HostPlan,
}

/// Writes the answers a host deferred.
fn flush(frame: &Frame<Model>, taken: &mut Taken) {
    for (seq, answer) in taken.pending.drain(..) {
        frame.reply(seq, &answer);
    }
}

/// How a worker's call ended.
#[derive(Debug, PartialEq)]
enum Outcome {
    Answered,
    /// The answer did not fit; the frame named the room it needs.
    Overflow(usize),
    Detached,
    NoHost,
    Released,
    NoAnswer,
}

impl Outcome {
    /// The host answered the call (in the buffer, or by naming the room it needs).
    fn replied(&self) -> bool {
        matches!(self, Outcome::Answered | Outcome::Overflow(_))
    }
}

/// The worker: `calls` calls in a row, none of them yielding to an event loop. It rings by
/// message until the host has answered once, then by `Atomics.notify` alone when the host
/// watches the buffer, as `worker/src/sab.rs` does.
fn worker(frame: Frame<Model>, calls: u32, ack_ms: f64, reply_ms: Option<f64>) -> Vec<Outcome> {
    let model = frame.words().clone();
    let mut known = false;
    let mut outcomes = Vec::new();
    let mut reply = Vec::new();
    for seq in 1..=calls {
        let req = request(seq);
        assert!(frame.begin_with(seq, &req));
        if known && frame.watched() {
            frame.ring();
        } else {
            model.post(seq);
        }
        let outcome = match frame.wait(seq, ack_ms, reply_ms) {
            Ok(Waited::Replied) => {
                known = true;
                frame.read_reply(&mut reply).unwrap();
                if reply == DETACHED {
                    Outcome::Detached
                } else {
                    assert_eq!(reply, answer(&req), "call {seq} got another call's answer");
                    Outcome::Answered
                }
            }
            Ok(Waited::NoHost) => Outcome::NoHost,
            Ok(Waited::Released) => Outcome::Released,
            Ok(Waited::Overflow(n)) => {
                known = true;
                assert_eq!(
                    n,
                    answer(&req).len(),
                    "call {seq}: the room named is its answer's"
                );
                Outcome::Overflow(n)
            }
            Err(e) => {
                assert_eq!(e.kind, fshandles_shared::ErrorKind::Timeout, "{e}");
                Outcome::NoAnswer
            }
        };
        outcomes.push(outcome);
    }
    model.finish();
    outcomes
}

fn schedules(name: &str, test: impl Fn() + Send + Sync + 'static) {
    let test = std::sync::Arc::new(test);
    let t = test.clone();
    shuttle::check_random(move || t(), 3000);
    let t = test.clone();
    shuttle::check_pct(move || t(), 3000, 3);
    eprintln!("{name}: 6000 schedules");
}

/// One run: a worker making 4 calls with these deadlines, and a host following `plan`, over
/// a frame whose memory's `notify` works unless `mute`. The frame, how each call ended, and
/// the calls the host took.
fn run(
    mute: bool,
    plan: HostPlan,
    ack_ms: f64,
    reply_ms: Option<f64>,
) -> (Frame<Model>, Vec<Outcome>, Vec<u32>) {
    let frame = Frame::over(Model::new(ROOM, mute));
    let host = {
        let frame = frame.clone();
        shuttle::thread::spawn(move || host(frame, plan))
    };
    let outcomes = worker(frame.clone(), 4, ack_ms, reply_ms);
    let served = host.join().unwrap();
    (frame, outcomes, served)
}

fn plan() -> HostPlan {
    let mut rng = thread_rng();
    HostPlan {
        watch: rng.gen_bool(0.7),
        unwatch_after: rng.gen_bool(0.4).then(|| rng.gen_range(1..5)),
        defer: rng.gen_bool(0.5),
        release_after: None,
        unanswered: None,
        announce_later: true,
    }
}

#[test]
fn with_a_host_every_call_is_answered_once() {
    schedules("answered", || {
        let (_, outcomes, served) = run(false, plan(), f64::INFINITY, None);
        let expected: Vec<Outcome> = (1..=4).map(answered).collect();
        assert_eq!(outcomes, expected);
        assert_eq!(served, [1, 2, 3, 4], "each call served once, in order");
    });
}

#[test]
fn a_call_that_gave_up_never_gets_another_calls_answer() {
    schedules("timeouts", || {
        // Short deadlines, for the first contact and for each answer: calls may give up
        // while the host takes them; `worker` checks every answer is its own.
        let (_, outcomes, served) = run(false, plan(), 0.4, Some(0.4));
        let replied = outcomes.iter().filter(|o| o.replied()).count();
        assert!(served.len() >= replied, "{served:?} {outcomes:?}");
        let mut once = served.clone();
        once.dedup();
        assert_eq!(once, served, "a call served twice");
    });
}

#[test]
fn a_host_that_lets_go_ends_the_call_in_flight_and_every_later_one() {
    schedules("release", || {
        // The page detaches the worker at some moment of the run.
        let plan = HostPlan {
            release_after: Some(thread_rng().gen_range(0..8)),
            ..plan()
        };
        let (frame, outcomes, _) = run(false, plan, f64::INFINITY, None);
        let ended = outcomes
            .iter()
            .position(|o| !o.replied())
            .unwrap_or(outcomes.len());
        for o in &outcomes[ended..] {
            assert!(
                matches!(o, Outcome::Detached | Outcome::Released),
                "{outcomes:?}"
            );
        }
        if ended < outcomes.len() {
            assert!(frame.released());
        }
    });
}

#[test]
fn with_no_host_every_call_ends() {
    schedules("no host", || {
        let frame = Frame::over(Model::new(ROOM, false));
        // Somebody else listens on the worker's channel (PyScript does) and drops numbers.
        let other = {
            let model = frame.words().clone();
            shuttle::thread::spawn(move || loop {
                let mut events = model.0.events.lock().unwrap();
                events.doorbells.clear();
                if events.done {
                    return;
                }
                drop(model.0.wake.wait(events).unwrap());
            })
        };
        let outcomes = worker(frame, 3, 1.0, None);
        other.join().unwrap();
        assert!(
            outcomes.iter().all(|o| *o == Outcome::NoHost),
            "{outcomes:?}"
        );
    });
}

#[test]
#[should_panic(expected = "deadlock")]
fn the_model_finds_a_lost_wake_up() {
    // The same run as the first test, over memory whose `notify` does nothing: a worker that
    // blocked before the answer is never woken.
    shuttle::check_random(
        || {
            let plan = HostPlan {
                watch: true,
                unwatch_after: None,
                defer: false,
                release_after: None,
                unanswered: None,
                announce_later: true,
            };
            run(true, plan, f64::INFINITY, None);
        },
        3000,
    );
}

/// A run whose host takes call 2 and never answers it, with a reply deadline.
fn unanswered_run(announce_later: bool) -> Vec<Outcome> {
    let plan = HostPlan {
        unanswered: Some(2),
        announce_later,
        ..plan()
    };
    run(false, plan, f64::INFINITY, Some(0.4)).1
}

#[test]
fn a_call_nobody_answers_ends_at_its_reply_deadline() {
    schedules("unanswered", || {
        // A worker whose host is known waits for it to take a call with no deadline, then
        // for the answer as long as promptTimeoutMs: it must learn that the call was taken
        // even when it blocked before.
        let outcomes = unanswered_run(true);
        assert_eq!(outcomes[1], Outcome::NoAnswer, "{outcomes:?}");
        for (seq, o) in (1..).zip(&outcomes) {
            assert!(
                *o == answered(seq) || *o == Outcome::NoAnswer,
                "call {seq}: {outcomes:?}"
            );
        }
    });
}

#[test]
#[should_panic(expected = "deadlock")]
fn the_model_finds_a_call_taken_in_silence() {
    // The same, with a host that takes a call for later without waking the worker (the bug
    // fixed in the fourth performance pass): a worker that blocked first sleeps forever.
    shuttle::check_random(|| drop(unanswered_run(false)), 3000);
}

#[test]
fn the_state_word_changes_with_every_step() {
    // What the no-lost-wake-up argument rests on: each step of a call writes a state word
    // that differs from the one before it, across calls too.
    for seq in [1, 2, frame::state(u32::MAX, frame::Phase::Idle) as u32] {
        let steps = [
            frame::Phase::Requested,
            frame::Phase::Acked,
            frame::Phase::Replied,
        ]
        .map(|p| frame::state(seq, p));
        assert_ne!(steps[0], steps[1]);
        assert_ne!(steps[1], steps[2]);
        assert_ne!(
            steps[2],
            frame::state(seq.wrapping_add(1), frame::Phase::Requested)
        );
    }
}
