//! Messages built from pieces, without Rust's formatting machinery.
//!
//! `format!` brings `core::fmt` into every wasm that uses it once (its `Formatter`, padding,
//! and the `Display` of each integer type): about 5 KB before gzip on each side, for error
//! messages that only ever join words and whole numbers. [`text!`](crate::text!) joins them
//! directly.

/// Something a message can hold: a string as it is, a whole number in decimal.
pub trait Piece {
    /// Appends `self` to `out`.
    fn push_to(&self, out: &mut String);
}

impl Piece for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

macro_rules! decimal {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn push_to(&self, out: &mut String) {
                push_decimal(u64::from(*self), out);
            }
        }
    )*};
}
decimal!(u8, u16, u32, u64);

impl Piece for usize {
    fn push_to(&self, out: &mut String) {
        push_decimal(*self as u64, out);
    }
}

fn push_decimal(mut n: u64, out: &mut String) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// Joins strings and whole numbers into a `String`, like `format!` with only `{}`s:
///
/// ```
/// use fshandles_shared::text;
/// let id = 7u32;
/// assert_eq!(text!("request ", id, " is ", "waiting"), "request 7 is waiting");
/// ```
#[macro_export]
macro_rules! text {
    ($($piece:expr),* $(,)?) => {{
        #[allow(unused_mut)] // `text!()` pushes nothing
        let mut out = $crate::text::String::new();
        $($crate::text::Piece::push_to(&$piece, &mut out);)*
        out
    }};
}

// The macro's path to `String` from crates that may not name `alloc`.
#[doc(hidden)]
pub use alloc::string::String;

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use alloc::string::ToString;

    #[test]
    fn numbers_print_as_format_prints_them() {
        for n in [0u64, 1, 9, 10, 99, 100, 4096, u32::MAX as u64, u64::MAX] {
            assert_eq!(text!(n), n.to_string());
        }
        assert_eq!(
            text!(u16::MAX, " ", 0u8, " ", usize::MAX),
            alloc::format!("{} 0 {}", u16::MAX, usize::MAX)
        );
    }

    #[test]
    fn strings_join_as_they_are() {
        let owned = alloc::string::String::from("b");
        assert_eq!(
            text!("a", owned, &owned, "\u{201c}c\u{201d}"),
            "abb\u{201c}c\u{201d}"
        );
        assert_eq!(text!(), "");
    }
}
