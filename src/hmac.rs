//! SHA-256, HMAC-SHA256 (RFC 2104) and the constant-time compare of two
//! tags: the crate's one MAC, used by webhook signatures and browser tokens
//! alike.
//!
//! The compression function is sha2's, or its wasm SIMD copy when the build
//! enables `simd128` (`hmac/sha256_simd128.rs`: the package's main and
//! verifier entries); the buffering and padding are here. No digest traits
//! and no panicking path, which keeps the verifier-only wasm small.

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use sha2::block_api::compress256;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use sha256_simd128::compress256;
use std::fmt;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod sha256_simd128;

/// HMAC-SHA256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    SigningKey::new(key).mac(&[data])
}

/// Every byte is compared whatever the first difference: the time taken says
/// nothing about how much of a forged tag was right.
pub fn equal_in_constant_time(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0
}

/// A secret made ready for HMAC: its inner and outer SHA-256 states are
/// computed once, so each MAC costs only the blocks of the message. Keep one
/// per secret when checking many messages. Its `Debug` shows nothing.
#[derive(Clone)]
pub struct SigningKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl SigningKey {
    pub fn new(secret: &[u8]) -> Self {
        let mut key = [0u8; 64];
        if secret.len() > 64 {
            let mut hash = Sha256Stream::resume(SHA256_IV, 0);
            hash.update(secret);
            for (slot, b) in key.iter_mut().zip(hash.finish()) {
                *slot = b;
            }
        } else {
            for (slot, &b) in key.iter_mut().zip(secret) {
                *slot = b;
            }
        }
        let state = |pad: u8| {
            let mut state = SHA256_IV;
            compress256(&mut state, &[key.map(|b| b ^ pad)]);
            state
        };
        SigningKey {
            inner: state(0x36),
            outer: state(0x5c),
        }
    }

    /// HMAC-SHA256 of the concatenation of `parts`, fed in pieces so no
    /// part is copied.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut inner = Sha256Stream::resume(self.inner, 64);
        for part in parts {
            inner.update(part);
        }
        let mut outer = Sha256Stream::resume(self.outer, 64);
        outer.update(&inner.finish());
        outer.finish()
    }

    /// The prepared states as bytes (the verifier's JS keeps them per secret).
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        let words = self.inner.iter().chain(&self.outer);
        for (slot, b) in out.iter_mut().zip(words.flat_map(|w| w.to_le_bytes())) {
            *slot = b;
        }
        out
    }

    /// The key [`SigningKey::to_bytes`] gave.
    pub fn from_bytes(bytes: &[u8; 64]) -> Self {
        let (mut inner, mut outer) = ([0u32; 8], [0u32; 8]);
        let words = as_arrays::<4>(bytes)
            .0
            .iter()
            .map(|b| u32::from_le_bytes(*b));
        for (slot, word) in inner.iter_mut().chain(outer.iter_mut()).zip(words) {
            *slot = word;
        }
        SigningKey { inner, outer }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

/// SHA-256's initial state (FIPS 180-4 §5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// SHA-256 over data fed in pieces.
struct Sha256Stream {
    state: [u32; 8],
    block: [u8; 64],
    /// Bytes waiting in `block`, always < 64.
    filled: usize,
    /// Bytes hashed so far, including those of earlier blocks.
    total: u64,
}

impl Sha256Stream {
    /// Continues from `state`, reached after `done` bytes (whole blocks).
    fn resume(state: [u32; 8], done: u64) -> Self {
        Sha256Stream {
            state,
            block: [0; 64],
            filled: 0,
            total: done,
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        self.total = self.total.wrapping_add(data.len() as u64);
        if self.filled > 0 {
            let taken = (64 - self.filled).min(data.len());
            for (slot, &b) in self.block.iter_mut().skip(self.filled).zip(data) {
                *slot = b;
            }
            self.filled += taken;
            data = data.get(taken..).unwrap_or_default();
            if self.filled < 64 {
                return;
            }
            compress256(&mut self.state, &[self.block]);
            self.filled = 0;
        }
        // Whole blocks straight from the input: the body is never copied.
        let (blocks, rest) = as_arrays::<64>(data);
        compress256(&mut self.state, blocks);
        for (slot, &b) in self.block.iter_mut().zip(rest) {
            *slot = b;
        }
        self.filled = rest.len();
    }

    fn finish(mut self) -> [u8; 32] {
        let bits = self.total.wrapping_mul(8).to_be_bytes();
        for slot in self.block.iter_mut().skip(self.filled) {
            *slot = 0;
        }
        if let Some(slot) = self.block.get_mut(self.filled) {
            *slot = 0x80;
        }
        if self.filled >= 56 {
            compress256(&mut self.state, &[self.block]);
            self.block = [0; 64];
        }
        for (slot, b) in self.block.iter_mut().skip(56).zip(bits) {
            *slot = b;
        }
        compress256(&mut self.state, &[self.block]);
        let mut out = [0u8; 32];
        for (slot, b) in out
            .iter_mut()
            .zip(self.state.iter().flat_map(|w| w.to_be_bytes()))
        {
            *slot = b;
        }
        out
    }
}

/// `bytes` as whole `N`-byte arrays, and what is left (`<[u8]>::as_chunks`,
/// which needs Rust 1.88).
pub(crate) fn as_arrays<const N: usize>(bytes: &[u8]) -> (&[[u8; N]], &[u8]) {
    let Some((whole, rest)) = bytes.split_at_checked(bytes.len() / N * N) else {
        return (&[], bytes);
    };
    // SAFETY: `[u8; N]` is N bytes with alignment 1, and `whole` holds a
    // multiple of N bytes.
    let arrays = unsafe { std::slice::from_raw_parts(whole.as_ptr().cast(), whole.len() / N) };
    (arrays, rest)
}
