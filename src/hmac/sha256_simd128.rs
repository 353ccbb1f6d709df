//! SHA-256's compression function on wasm SIMD: sha2 0.11.1's
//! `wasm32_simd128` backend (RustCrypto, MIT OR Apache-2.0), copied with one
//! change: the round constants are read without a panicking slice index, so
//! the verifier-only wasm carries no panic or formatting machinery.
//! Checked against sha2 by the HMAC tests in tests/hmac.rs (RFC
//! 4231, and a proptest against the hmac crate) run in wasm by
//! `cargo xtask test`'s node:test suites (signatures made by node:crypto).
#![allow(clippy::needless_range_loop, unsafe_op_in_unsafe_fn)]

use core::arch::wasm32::*;

#[target_feature(enable = "simd128")]
pub(super) fn compress256(state: &mut [u32; 8], blocks: &[[u8; 64]]) {
    let mut ms = [u64x2(0, 0); 4];
    let mut x = [u64x2(0, 0); 4];

    for block in blocks {
        let mut current_state = *state;
        load_data(&mut x, &mut ms, block);
        rounds_0_47(&mut current_state, &mut x, &mut ms);
        rounds_48_63(&mut current_state, &ms);
        accumulate_state(state, &current_state);
    }
}

#[inline]
#[target_feature(enable = "simd128")]
fn load_data(x: &mut [v128; 4], ms: &mut MsgSchedule, block: &[u8; 64]) {
    macro_rules! unrolled_iterations {
        ($($i:literal),*) => {$(
            x[$i] = unsafe { v128_load(block.as_ptr().add(16 * $i).cast()) };
            x[$i] = i8x16_shuffle::<3,2,1,0,7,6,5,4,11,10,9,8,15,14,13,12>(x[$i], x[$i]);

            let y = i32x4_add(x[$i], rk(4 * $i));

            ms[$i] = y;
        )*};
    }

    unrolled_iterations!(0, 1, 2, 3);
}

#[inline]
#[target_feature(enable = "simd128")]
fn rounds_0_47(current_state: &mut State, x: &mut [v128; 4], ms: &mut MsgSchedule) {
    let mut k32_idx: usize = SHA256_BLOCK_WORDS_NUM;

    for _ in 0..3 {
        for j in 0..4 {
            let y = sha256_update_x(x, rk(k32_idx));

            {
                let ms = ms[j];
                sha_round(current_state, u32x4_extract_lane::<0>(ms));
                sha_round(current_state, u32x4_extract_lane::<1>(ms));
                sha_round(current_state, u32x4_extract_lane::<2>(ms));
                sha_round(current_state, u32x4_extract_lane::<3>(ms));
            }

            ms[j] = y;
            k32_idx += 4;
        }
    }
}

#[inline(always)]
fn rounds_48_63(current_state: &mut State, ms: &MsgSchedule) {
    for j in 0..4 {
        let ms = ms[j];
        sha_round(current_state, u32x4_extract_lane::<0>(ms));
        sha_round(current_state, u32x4_extract_lane::<1>(ms));
        sha_round(current_state, u32x4_extract_lane::<2>(ms));
        sha_round(current_state, u32x4_extract_lane::<3>(ms));
    }
}

#[inline(always)]
fn sha_round(s: &mut State, x: u32) {
    macro_rules! big_sigma0 {
        ($a:expr) => {
            $a.rotate_right(2) ^ $a.rotate_right(13) ^ $a.rotate_right(22)
        };
    }
    macro_rules! big_sigma1 {
        ($a:expr) => {
            $a.rotate_right(6) ^ $a.rotate_right(11) ^ $a.rotate_right(25)
        };
    }
    macro_rules! bool3ary_202 {
        ($a:expr, $b:expr, $c:expr) => {
            $c ^ ($a & ($b ^ $c))
        };
    } // Choose, MD5F, SHA1C
    macro_rules! bool3ary_232 {
        ($a:expr, $b:expr, $c:expr) => {
            ($a & $b) ^ ($a & $c) ^ ($b & $c)
        };
    } // Majority, SHA1M

    macro_rules! rotate_state {
        ($s:ident) => {{
            let tmp = $s[7];
            $s[7] = $s[6];
            $s[6] = $s[5];
            $s[5] = $s[4];
            $s[4] = $s[3];
            $s[3] = $s[2];
            $s[2] = $s[1];
            $s[1] = $s[0];
            $s[0] = tmp;
        }};
    }

    let t = x
        .wrapping_add(s[7])
        .wrapping_add(big_sigma1!(s[4]))
        .wrapping_add(bool3ary_202!(s[4], s[5], s[6]));

    s[7] = t
        .wrapping_add(big_sigma0!(s[0]))
        .wrapping_add(bool3ary_232!(s[0], s[1], s[2]));
    s[3] = s[3].wrapping_add(t);

    rotate_state!(s);
}

#[inline(always)]
fn accumulate_state(dst: &mut State, src: &State) {
    for i in 0..SHA256_HASH_WORDS_NUM {
        dst[i] = dst[i].wrapping_add(src[i]);
    }
}

#[inline]
#[target_feature(enable = "simd128")]
fn sha256_update_x(x: &mut [v128; 4], k32: v128) -> v128 {
    const SIGMA0_0: u32 = 7;
    const SIGMA0_1: u32 = 18;
    const SIGMA0_2: u32 = 3;
    const SIGMA1_0: u32 = 17;
    const SIGMA1_1: u32 = 19;
    const SIGMA1_2: u32 = 10;
    const SHA256_WORD_BIT_LEN: u32 = 8 * size_of::<u32>() as u32;
    const ZERO: v128 = u64x2(0, 0);

    let mut t0 = u32x4_shuffle::<1, 2, 3, 4>(x[0], x[1]);
    let mut t3 = u32x4_shuffle::<1, 2, 3, 4>(x[2], x[3]);
    let mut t2 = u32x4_shr(t0, SIGMA0_0);
    x[0] = u32x4_add(x[0], t3);
    t3 = u32x4_shr(t0, SIGMA0_2);
    let mut t1 = u32x4_shl(t0, SHA256_WORD_BIT_LEN - SIGMA0_1);
    t0 = v128_xor(t3, t2);
    t3 = u32x4_shuffle::<2, 2, 3, 3>(x[3], x[3]);
    t2 = u32x4_shr(t2, SIGMA0_1 - SIGMA0_0);
    t0 = v128_xor(t0, t1);
    t0 = v128_xor(t0, t2);
    t1 = u32x4_shl(t1, SIGMA0_1 - SIGMA0_0);
    t2 = u32x4_shr(t3, SIGMA1_2);
    t3 = u64x2_shr(t3, SIGMA1_0);
    t1 = v128_xor(t0, t1);
    x[0] = u32x4_add(x[0], t1);
    t2 = v128_xor(t2, t3);
    t3 = u64x2_shr(t3, SIGMA1_1 - SIGMA1_0);
    t2 = v128_xor(t2, t3);
    t2 = u32x4_shuffle::<0, 2, 7, 7>(t2, ZERO);
    x[0] = u32x4_add(x[0], t2);
    t3 = u32x4_shuffle::<0, 0, 1, 1>(x[0], x[0]);
    t2 = u32x4_shr(t3, SIGMA1_2);
    t3 = u64x2_shr(t3, SIGMA1_0);
    t2 = v128_xor(t2, t3);
    t3 = u64x2_shr(t3, SIGMA1_1 - SIGMA1_0);
    t2 = v128_xor(t2, t3);
    t2 = u32x4_shuffle::<7, 7, 0, 2>(t2, ZERO);
    x[0] = u32x4_add(x[0], t2);

    let tmp = x[0];
    x[0] = x[1];
    x[1] = x[2];
    x[2] = x[3];
    x[3] = tmp;

    u32x4_add(x[3], k32)
}

/// K32[i..i + 4]. (sha2 slices here, which leaves a panicking path, and
/// with it core::fmt, in the wasm; `i` is at most 60.)
#[inline(always)]
fn rk(i: usize) -> v128 {
    match K32.get(i..i + 4) {
        // SAFETY: four u32 in bounds; v128_load takes unaligned addresses.
        Some(chunk) => unsafe { v128_load(chunk.as_ptr().cast()) },
        None => u32x4_splat(0),
    }
}

type State = [u32; SHA256_HASH_WORDS_NUM];
type MsgSchedule = [v128; SHA256_BLOCK_WORDS_NUM / 4];

const SHA256_BLOCK_BYTE_LEN: usize = 64;
const SHA256_HASH_BYTE_LEN: usize = 32;
const SHA256_HASH_WORDS_NUM: usize = SHA256_HASH_BYTE_LEN / size_of::<u32>();
const SHA256_BLOCK_WORDS_NUM: usize = SHA256_BLOCK_BYTE_LEN / size_of::<u32>();

static K32: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
