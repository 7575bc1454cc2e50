//! One prompt at a time, and one prompt per uid.
//!
//! A request that needs a person waits for its turn; requests for a uid whose prompt is
//! already queued or showing join it and get the same answer. When every requester of a
//! prompt is gone (their workers detached), its dialog is torn down and it ends as aborted.

// The one VecDeque of the wasm crates: its pop_front is less code than Vec::remove(0) (79
// bytes of wasm, measured).
#![allow(clippy::disallowed_types)]

use crate::dialog::{Choice, Dialog};
use fshandles_shared::small_map::SmallMap;
use fshandles_shared::Error;
use futures_channel::oneshot;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;

/// Who asked: 0 is the page itself, attached workers count from 1.
pub(crate) type Requester = u32;
/// The page itself, which is never detached.
pub(crate) const PAGE: Requester = 0;

type Answer<T> = Result<T, Error>;

struct Ticket<T> {
    /// Requesters still interested in this prompt's answer.
    interested: Vec<Requester>,
    joiners: Vec<(Requester, oneshot::Sender<Answer<T>>)>,
    dialog: Option<Rc<Dialog>>,
}

struct State<T> {
    busy: bool,
    turns: VecDeque<oneshot::Sender<()>>,
    tickets: SmallMap<String, Ticket<T>>,
}

/// The prompt queue; `T` is the answer a prompt produces.
pub(crate) struct Prompts<T> {
    state: RefCell<State<T>>,
}

fn aborted() -> Error {
    fshandles_shared::error::detached()
}

impl<T: Clone> Prompts<T> {
    pub fn new() -> Self {
        Prompts {
            state: RefCell::new(State {
                busy: false,
                turns: VecDeque::new(),
                tickets: SmallMap::new(),
            }),
        }
    }

    /// Runs `prompt` for `uid` when no other prompt is open, or joins the one for `uid`.
    pub async fn run<F, Fut>(&self, uid: &str, requester: Requester, prompt: F) -> Answer<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Answer<T>>,
    {
        let joined = {
            let mut st = self.state.borrow_mut();
            match st.tickets.get_mut(uid) {
                Some(ticket) => {
                    let (tx, rx) = oneshot::channel();
                    ticket.interested.push(requester);
                    ticket.joiners.push((requester, tx));
                    Some(rx)
                }
                None => {
                    st.tickets.insert(
                        uid.to_owned(),
                        Ticket {
                            interested: vec![requester],
                            joiners: Vec::new(),
                            dialog: None,
                        },
                    );
                    None
                }
            }
        };
        if let Some(rx) = joined {
            return rx.await.unwrap_or_else(|_| Err(aborted()));
        }

        self.take_turn().await;
        let wanted = self
            .state
            .borrow()
            .tickets
            .get(uid)
            .is_some_and(|t| !t.interested.is_empty());
        let answer = if wanted {
            prompt().await
        } else {
            Err(aborted())
        };
        self.give_turn();

        let ticket = self.state.borrow_mut().tickets.remove(uid);
        if let Some(ticket) = ticket {
            for (_, tx) in ticket.joiners {
                let _ = tx.send(answer.clone());
            }
        }
        answer
    }

    async fn take_turn(&self) {
        let wait = {
            let mut st = self.state.borrow_mut();
            if st.busy {
                let (tx, rx) = oneshot::channel();
                st.turns.push_back(tx);
                Some(rx)
            } else {
                st.busy = true;
                None
            }
        };
        if let Some(rx) = wait {
            // The turn is handed over with `busy` still set; a dropped sender cannot happen
            // (senders are only taken by `give_turn`, which sends).
            let _ = rx.await;
        }
    }

    fn give_turn(&self) {
        let mut st = self.state.borrow_mut();
        while let Some(next) = st.turns.pop_front() {
            if next.send(()).is_ok() {
                return;
            }
        }
        st.busy = false;
    }

    /// Asks the person through `dialog`, shown for `uid`'s prompt, and waits; a detach that
    /// leaves the prompt with nobody interested aborts it.
    pub async fn ask(&self, uid: &str, dialog: Dialog) -> Result<Choice, Error> {
        let dialog = Rc::new(dialog);
        match self.state.borrow_mut().tickets.get_mut(uid) {
            Some(t) if !t.interested.is_empty() => t.dialog = Some(dialog.clone()),
            _ => return Ok(Choice::Abort),
        }
        let choice = dialog.choice().await;
        if let Some(t) = self.state.borrow_mut().tickets.get_mut(uid) {
            t.dialog = None;
        }
        choice
    }

    /// Forgets everything `requester` asked for; prompts nobody else wants are torn down.
    pub fn detach(&self, requester: Requester) {
        let mut abandoned = Vec::new();
        {
            let mut st = self.state.borrow_mut();
            for ticket in st.tickets.values_mut() {
                ticket.interested.retain(|o| *o != requester);
                ticket.joiners.retain(|(o, _)| *o != requester);
                if ticket.interested.is_empty() {
                    if let Some(d) = ticket.dialog.take() {
                        abandoned.push(d);
                    }
                }
            }
        }
        // Outside the borrow: aborting ends futures that may look at the state.
        for d in abandoned {
            d.abort();
        }
    }

    /// How many prompts are queued or showing.
    pub fn pending(&self) -> usize {
        self.state.borrow().tickets.len()
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    fn poll<F: Future>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
        f.poll(&mut Context::from_waker(Waker::noop()))
    }

    fn ready(p: Poll<Answer<u32>>) -> Option<Result<u32, crate::ErrorKind>> {
        match p {
            Poll::Ready(r) => Some(r.map_err(|e| e.kind)),
            Poll::Pending => None,
        }
    }

    #[test]
    fn one_prompt_at_a_time_and_one_per_uid() {
        let prompts = Prompts::<u32>::new();
        let (answer_a, a) = oneshot::channel::<Answer<u32>>();
        let started_b = Cell::new(false);
        let mut first_a = pin!(prompts.run("a", 1, || async { a.await.unwrap() }));
        let mut b = pin!(prompts.run("b", 2, || {
            started_b.set(true);
            async { Ok(2) }
        }));
        let mut second_a = pin!(prompts.run("a", 3, || async { unreachable!() }));
        assert_eq!(ready(poll(first_a.as_mut())), None);
        assert_eq!(ready(poll(b.as_mut())), None, "waits its turn");
        assert_eq!(
            ready(poll(second_a.as_mut())),
            None,
            "joins the prompt for a"
        );
        assert!(!started_b.get());
        assert_eq!(prompts.pending(), 2);
        assert!(answer_a.send(Ok(1)).is_ok());
        assert_eq!(ready(poll(first_a.as_mut())), Some(Ok(1)));
        assert_eq!(
            ready(poll(second_a.as_mut())),
            Some(Ok(1)),
            "the same answer"
        );
        assert_eq!(ready(poll(b.as_mut())), Some(Ok(2)), "its turn came");
        assert!(started_b.get());
        assert_eq!(prompts.pending(), 0);
    }

    #[test]
    fn a_queued_prompt_nobody_wants_any_more_never_runs() {
        let prompts = Prompts::<u32>::new();
        let (answer_a, a) = oneshot::channel::<Answer<u32>>();
        let mut first = pin!(prompts.run("a", 1, || async { a.await.unwrap() }));
        let mut queued = pin!(prompts.run("c", 2, || async { unreachable!() }));
        assert_eq!(ready(poll(first.as_mut())), None);
        assert_eq!(ready(poll(queued.as_mut())), None);
        prompts.detach(2); // its worker went away
        assert!(answer_a.send(Ok(1)).is_ok());
        assert_eq!(ready(poll(first.as_mut())), Some(Ok(1)));
        assert_eq!(
            ready(poll(queued.as_mut())),
            Some(Err(crate::ErrorKind::Detached))
        );
    }
}
