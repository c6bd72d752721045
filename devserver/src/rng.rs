//! A small deterministic pseudo-random number generator for seeding data.
//!
//! SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
//! OOPSLA 2014) is implemented here instead of taken from a crate, so the seeded data set
//! stays the same for a given seed whatever crate versions Cargo.lock records.

/// SplitMix64 generator state.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// Creates a generator whose output depends only on `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Creates an independent generator for the sub-stream `stream`, so adding draws to
    /// one part of the data set does not shift the values of another.
    pub fn fork(&self, stream: u64) -> Self {
        let mut mixer = Self::new(self.state ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        Self::new(mixer.next_u64())
    }

    /// Returns the next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Returns a uniform value in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Returns a uniform integer in `[low, high)`. `high` must be greater than `low`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        assert!(high > low, "empty range {low}..{high}");
        let span = (high - low) as u64;
        // The modulo bias is below 2^-40 for the spans used here, which is fine for
        // test data.
        low + (self.next_u64() % span) as i64
    }

    /// Returns true with probability `probability`.
    pub fn chance(&mut self, probability: f64) -> bool {
        self.next_f64() < probability
    }

    /// Returns a uniformly chosen element of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as i64) as usize]
    }

    /// Returns an approximately normal value with mean 0 and standard deviation 1, from
    /// the sum of 12 uniform values (Irwin-Hall), which is bounded to ±6.
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.next_f64()).sum::<f64>() - 6.0
    }

    /// Returns a random version 4 UUID in its hyphenated lowercase form.
    pub fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut first = SplitMix64::new(7);
        let mut second = SplitMix64::new(7);
        for _ in 0..100 {
            assert_eq!(first.next_u64(), second.next_u64());
        }
    }

    #[test]
    fn known_first_output() {
        // First output of SplitMix64 seeded with 0, as published with the algorithm.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn range_stays_in_bounds() {
        let mut rng = SplitMix64::new(1);
        for _ in 0..10_000 {
            let value = rng.range(-3, 4);
            assert!((-3..4).contains(&value), "{value}");
        }
    }

    #[test]
    fn uuid_is_version_4() {
        let text = SplitMix64::new(3).uuid();
        let parsed = uuid::Uuid::parse_str(&text).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(text.len(), 36);
    }

    #[test]
    fn forks_differ_from_parent() {
        let parent = SplitMix64::new(11);
        let mut fork_a = parent.fork(1);
        let mut fork_b = parent.fork(2);
        assert_ne!(fork_a.next_u64(), fork_b.next_u64());
    }
}
