//! A known byte stream and a checksum over it, for the benchmarks and tests.
//!
//! The `memfd-demo-writer` binary writes the first `N` bytes of [the pattern](byte_at) to its
//! stdout in 64 KiB `write(2)` calls; a reader that computes [`checksum`] over what it got
//! and compares it with [`pattern_checksum(N)`](pattern_checksum) has checked every byte's
//! value and position (the checksum is Fletcher-like: a byte moved, lost or duplicated
//! changes it). The pattern's period, 251, is prime, so that no power-of-two block of it
//! repeats exactly at a power-of-two offset.

/// The pattern's period in bytes.
pub const PERIOD: usize = 251;

/// The size of the writer's `write(2)` calls: 64 KiB.
pub const WRITE_SIZE: usize = 64 * 1024;

/// The pattern's byte at `offset`.
pub const fn byte_at(offset: u64) -> u8 {
    let k = (offset % PERIOD as u64) as u32;
    // Any bijection of 0..251 onto bytes would do; this one is not a plain ramp.
    (k.wrapping_mul(157).wrapping_add(11) % 256) as u8
}

/// A buffer of `len + PERIOD` pattern bytes starting at offset 0: the bytes at any offset
/// `o` are `&buf[o % PERIOD..][..len]`, so that a writer fills no buffer per write.
pub fn block(len: usize) -> Vec<u8> {
    (0..(len + PERIOD) as u64).map(byte_at).collect()
}

/// A streaming checksum of a byte string: feed it pieces of any size with
/// [`update`](Checksum::update) and get the same [`finish`](Checksum::finish) as for the
/// whole string at once.
///
/// Two running sums over little-endian 64-bit words (Fletcher's construction, modulo 2^64),
/// so that it touches every byte at memory speed and still depends on their order.
#[derive(Debug, Clone, Default)]
pub struct Checksum {
    a: u64,
    b: u64,
    len: u64,
    pending: [u8; 8],
    pending_len: usize,
}

impl Checksum {
    /// An empty checksum.
    pub fn new() -> Checksum {
        Checksum::default()
    }

    #[inline(always)]
    fn word(&mut self, word: u64) {
        self.a = self.a.wrapping_add(word);
        self.b = self.b.wrapping_add(self.a);
    }

    /// Adds `data` to the bytes summed so far.
    pub fn update(&mut self, mut data: &[u8]) {
        self.len = self.len.wrapping_add(data.len() as u64);
        if self.pending_len > 0 {
            let take = (8 - self.pending_len).min(data.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&data[..take]);
            self.pending_len += take;
            data = &data[take..];
            if self.pending_len < 8 {
                return;
            }
            self.word(u64::from_le_bytes(self.pending));
            self.pending_len = 0;
        }
        let mut words = data.chunks_exact(8);
        let (mut a, mut b) = (self.a, self.b);
        for word in &mut words {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(word);
            a = a.wrapping_add(u64::from_le_bytes(bytes));
            b = b.wrapping_add(a);
        }
        (self.a, self.b) = (a, b);
        let tail = words.remainder();
        self.pending[..tail.len()].copy_from_slice(tail);
        self.pending_len = tail.len();
    }

    /// The checksum of everything added.
    pub fn finish(&self) -> u64 {
        let mut last = self.clone();
        if last.pending_len > 0 {
            last.pending[last.pending_len..].fill(0);
            last.word(u64::from_le_bytes(last.pending));
        }
        last.a ^ last.b.rotate_left(29) ^ last.len.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
}

/// The checksum of `data` (see [`Checksum`]).
pub fn checksum(data: &[u8]) -> u64 {
    let mut sum = Checksum::new();
    sum.update(data);
    sum.finish()
}

/// The checksum of the first `len` bytes of the pattern, computed without holding them.
pub fn pattern_checksum(len: u64) -> u64 {
    let block = block(WRITE_SIZE);
    let mut sum = Checksum::new();
    let mut offset = 0u64;
    while offset < len {
        let n = (len - offset).min(WRITE_SIZE as u64) as usize;
        let start = (offset % PERIOD as u64) as usize;
        sum.update(&block[start..start + n]);
        offset += n as u64;
    }
    sum.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_matches_one_shot() {
        let data: Vec<u8> = (0..1000u64).map(byte_at).collect();
        let whole = checksum(&data);
        for split in [0, 1, 3, 7, 8, 9, 500, 999, 1000] {
            let mut sum = Checksum::new();
            sum.update(&data[..split]);
            sum.update(&data[split..]);
            assert_eq!(sum.finish(), whole, "split at {split}");
        }
        let mut bytewise = Checksum::new();
        for b in &data {
            bytewise.update(std::slice::from_ref(b));
        }
        assert_eq!(bytewise.finish(), whole);
    }

    #[test]
    fn pattern_checksum_matches_the_bytes() {
        for len in [0u64, 1, 250, 251, 252, 65_535, 65_536, 200_001] {
            let data: Vec<u8> = (0..len).map(byte_at).collect();
            assert_eq!(pattern_checksum(len), checksum(&data), "len {len}");
        }
    }

    #[test]
    fn order_and_length_matter() {
        assert_ne!(checksum(b"abcdefgh12345678"), checksum(b"12345678abcdefgh"));
        assert_ne!(checksum(b""), checksum(b"\0"));
        assert_ne!(checksum(b"\0"), checksum(b"\0\0"));
    }

    #[test]
    fn block_is_the_pattern() {
        let block = block(1000);
        for offset in [0usize, 1, 250, 251, 777] {
            let start = offset % PERIOD;
            assert_eq!(block[start], byte_at(offset as u64));
            assert_eq!(block[start + 999], byte_at(offset as u64 + 999));
        }
    }
}
