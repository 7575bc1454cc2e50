//! The wire format's pieces, written and read by hand: postcard's format, byte for byte.
//!
//! Integers are LEB128 varints, a string is its UTF-8 length then its bytes, a `bool` or an
//! `Option`'s tag is one byte (0 or 1), an enum is its variant's index as a varint, then its
//! fields in order. serde with postcard did the same for these few types with about 5 KB more
//! wasm a side; the protocol's tests check the two agree on every message and on garbage.

use alloc::string::String;
use alloc::vec::Vec;

/// Writes into a buffer.
pub(crate) struct Writer<'a>(pub &'a mut Vec<u8>);

impl Writer<'_> {
    pub fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push(value as u8 | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    pub fn bool(&mut self, value: bool) {
        self.0.push(u8::from(value));
    }

    pub fn str(&mut self, value: &str) {
        self.varint(value.len() as u64);
        self.0.extend_from_slice(value.as_bytes());
    }

    /// An `Option`: its tag, then the value with `write`.
    pub fn option<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Self, T)) {
        self.bool(value.is_some());
        if let Some(v) = value {
            write(self, v);
        }
    }
}

/// Why bytes could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bad {
    /// They end before the value does.
    End,
    /// A varint longer, or larger, than its type allows.
    Varint,
    /// A `bool`, an `Option`'s tag or an enum's variant out of range.
    Tag,
    /// A string that is not UTF-8.
    Utf8,
}

impl Bad {
    /// What was wrong, in a few words.
    pub fn reason(self) -> &'static str {
        match self {
            Bad::End => "it ends early",
            Bad::Varint => "a number too long for its type",
            Bad::Tag => "a tag out of range",
            Bad::Utf8 => "text that is not UTF-8",
        }
    }
}

/// Reads from the front of a byte slice.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    /// What is left unread.
    pub fn rest(&self) -> &'a [u8] {
        self.bytes
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Bad> {
        if n > self.bytes.len() {
            return Err(Bad::End);
        }
        let (taken, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8, Bad> {
        Ok(self.take(1)?[0])
    }

    /// A varint of a `bits`-bit integer. As postcard does, it takes at most as many bytes as
    /// the type needs, and the last of them must not carry bits past the type's width.
    fn varint(&mut self, bits: u32) -> Result<u64, Bad> {
        let most = bits.div_ceil(7);
        let mut value = 0u64;
        for i in 0..most {
            let b = self.byte()?;
            if i == most - 1 && u32::from(b) >> (bits - 7 * i) != 0 {
                return Err(Bad::Varint);
            }
            value |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Bad::Varint)
    }

    pub fn u16(&mut self) -> Result<u16, Bad> {
        self.varint(16).map(|v| v as u16)
    }

    pub fn u32(&mut self) -> Result<u32, Bad> {
        self.varint(32).map(|v| v as u32)
    }

    /// A tag of 0 or 1: a `bool`, or whether an `Option` is `Some`.
    pub fn bool(&mut self) -> Result<bool, Bad> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Bad::Tag),
        }
    }

    pub fn string(&mut self) -> Result<String, Bad> {
        let len = self.varint(usize::BITS)? as usize;
        let bytes = self.take(len)?;
        core::str::from_utf8(bytes)
            .map(String::from)
            .map_err(|_| Bad::Utf8)
    }

    /// An `Option`, its value read with `read`.
    pub fn option<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, Bad>,
    ) -> Result<Option<T>, Bad> {
        if self.bool()? {
            read(self).map(Some)
        } else {
            Ok(None)
        }
    }

    /// An enum's variant: one of `all`, by index.
    pub fn variant<T: Copy>(&mut self, all: &[T]) -> Result<T, Bad> {
        let i = self.u32()?;
        all.get(i as usize).copied().ok_or(Bad::Tag)
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use super::*;

    fn read_u32(bytes: &[u8]) -> Result<u32, Bad> {
        Reader::new(bytes).u32()
    }

    #[test]
    fn varints_as_postcard_reads_them() {
        assert_eq!(read_u32(&[0]), Ok(0));
        assert_eq!(read_u32(&[0x7f]), Ok(127));
        assert_eq!(read_u32(&[0x80, 0x01]), Ok(128));
        assert_eq!(read_u32(&[0x80, 0x00]), Ok(0)); // not the shortest, still read
        assert_eq!(read_u32(&[0xff, 0xff, 0xff, 0xff, 0x0f]), Ok(u32::MAX));
        assert_eq!(read_u32(&[0xff, 0xff, 0xff, 0xff, 0x10]), Err(Bad::Varint));
        assert_eq!(read_u32(&[0x80, 0x80, 0x80, 0x80, 0x80]), Err(Bad::Varint));
        assert_eq!(read_u32(&[0x80]), Err(Bad::End));
        assert_eq!(Reader::new(&[0xff, 0xff, 0x03]).u16(), Ok(u16::MAX));
        assert_eq!(Reader::new(&[0xff, 0xff, 0x04]).u16(), Err(Bad::Varint));
        for v in [0u32, 1, 127, 128, 300, 16_383, 16_384, u32::MAX] {
            let mut out = Vec::new();
            Writer(&mut out).varint(v.into());
            assert_eq!(read_u32(&out), Ok(v));
            assert_eq!(out, postcard::to_allocvec(&v).unwrap());
        }
    }
}
