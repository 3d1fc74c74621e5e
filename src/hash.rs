//! A fast hasher for the check's in-process maps (cached files by path, derived values by
//! key, rule options by id): SipHash, std's default, resists hash flooding that nothing
//! here is exposed to (the keys are paths and ids of one check, not a network's input), and
//! cost 4% of a check of 1,080 real-world workflows. This is the multiply-rotate word hash
//! rustc uses (FxHash), written here: eight bytes per step. [`TextMemo`], the per-thread
//! memory of answers keyed by the files' own text, keeps SipHash.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Maps keyed with [`Fx`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
pub struct Fx {
    hash: u64,
}

impl Fx {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            // the length tells `ab` from `ab\0`
            self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 56));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A per-thread memory of answers keyed by text from the files checked (an expression, a
/// message): bounded, and emptied whole when full, so no thread holds much. Its keys come
/// from the files, so it hashes with std's seeded SipHash: a crafted file cannot make its
/// texts collide (FxHash's are easy to forge), and every use saves far more than the hash.
pub struct TextMemo<T> {
    map: HashMap<Box<str>, T>,
    most: usize,
}

impl<T> TextMemo<T> {
    /// A memory of at most `most` texts.
    pub fn new(most: usize) -> Self {
        TextMemo {
            map: HashMap::new(),
            most,
        }
    }

    pub fn get(&self, text: &str) -> Option<&T> {
        self.map.get(text)
    }

    pub fn get_mut(&mut self, text: &str) -> Option<&mut T> {
        self.map.get_mut(text)
    }

    /// Remember `value` for `text`, emptying the memory first when it is full.
    pub fn insert(&mut self, text: &str, value: T) {
        if self.map.len() >= self.most && !self.map.contains_key(text) {
            self.map.clear();
        }
        self.map.insert(text.into(), value);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.len()
    }
}

/// The hexadecimal digits, lower case (fingerprints, JSON's `\u00XX` escapes).
pub const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `n` in decimal, appended to `s` (what `write!(s, "{n}")` gives, without the formatter):
/// for the keys of the check's derived values, built once per job or file.
pub fn push_decimal(s: &mut String, mut n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(buf[i..].iter().map(|&b| char::from(b)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn h<T: Hash + ?Sized>(v: &T) -> u64 {
        BuildHasherDefault::<Fx>::default().hash_one(v)
    }

    #[test]
    fn text_memo_holds_at_most_its_bound() {
        let mut m = TextMemo::new(3);
        for (i, t) in ["a", "b", "c"].iter().enumerate() {
            m.insert(t, i);
        }
        assert_eq!((m.len(), m.get("b")), (3, Some(&1)));
        m.insert("b", 7); // a known text replaces its answer, nothing is forgotten
        assert_eq!((m.len(), m.get("b"), m.get("a")), (3, Some(&7), Some(&0)));
        m.insert("d", 3); // full: emptied, then the new text
        assert_eq!((m.len(), m.get("a"), m.get("d")), (1, None, Some(&3)));
        if let Some(v) = m.get_mut("d") {
            *v = 9;
        }
        assert_eq!(m.get("d"), Some(&9));
    }

    #[test]
    fn near_keys_hash_apart() {
        // keys that differ in one byte, in length only, or by a trailing NUL
        let keys = [
            "",
            "a",
            "b",
            "ab",
            "ab\0",
            "abcdefgh",
            "abcdefgi",
            "abcdefgh\0",
        ];
        let mut seen: Vec<u64> = keys.iter().map(|k| h(*k)).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), keys.len());
    }

    #[test]
    fn maps_find_what_they_hold() {
        let mut m: FxMap<String, usize> = FxMap::default();
        for i in 0..10_000 {
            m.insert(format!("src/dir{}/file{i}.yml", i % 7), i);
        }
        assert_eq!(m.len(), 10_000);
        for i in (0..10_000).step_by(97) {
            assert_eq!(m.get(&format!("src/dir{}/file{i}.yml", i % 7)), Some(&i));
        }
        assert_eq!(m.get("src/dir0/file1.yml"), None);
    }

    #[test]
    fn push_decimal_writes_what_the_formatter_writes() {
        for n in [0, 7, 9, 10, 99, 100, 4_056, 1_000_000, usize::MAX] {
            let mut s = String::from("a\0");
            push_decimal(&mut s, n);
            assert_eq!(s, format!("a\0{n}"));
        }
    }
}
