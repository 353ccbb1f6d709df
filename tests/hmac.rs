//! SHA-256 and HMAC-SHA256 (src/hmac.rs): RFC 4231, and agreement with the
//! RustCrypto hmac crate for every key and message length.

use peeker_partner::hmac::{hmac_sha256, SigningKey};
use proptest::prelude::*;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .filter_map(|i| s.get(i..i + 2))
        .filter_map(|p| u8::from_str_radix(p, 16).ok())
        .collect()
}

#[test]
fn rfc4231_hmac_sha256() {
    let big_key = [0xaa_u8; 131];
    let cases: [(&[u8], &[u8], &str); 6] = [
        (&[0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (
            b"Jefe",
            b"what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (&[0xaa; 20], &[0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (
            &[
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                24, 25,
            ],
            &[0xcd; 50],
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        (
            &big_key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            &big_key,
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (key, data, want) in cases {
        assert_eq!(hmac_sha256(key, data).to_vec(), unhex(want));
    }
    // Case 5 is truncated to 128 bits: compare the prefix.
    let t = hmac_sha256(&[0x0c; 20], b"Test With Truncation");
    assert_eq!(
        t.get(..16).map(<[u8]>::to_vec),
        Some(unhex("a3b6167473100ee06e0c796c2955552b"))
    );
}

proptest! {
    // The SHA-256 padding and HMAC are ours (on sha2's compression function):
    // they must agree with the hmac crate for every key and message length,
    // and whatever pieces the message comes in.
    #[test]
    fn hmac_matches_the_hmac_crate(key in proptest::collection::vec(any::<u8>(), 0..200),
                                   data in proptest::collection::vec(any::<u8>(), 0..400),
                                   cut in 0usize..400) {
        use hmac::{KeyInit, Mac};
        let mut reference = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).expect("any key length");
        reference.update(&data);
        let want: [u8; 32] = reference.finalize().into_bytes().into();
        prop_assert_eq!(hmac_sha256(&key, &data), want);
        let (head, tail) = data.split_at(cut.min(data.len()));
        prop_assert_eq!(SigningKey::new(&key).mac(&[head, tail]), want);
        let key = SigningKey::new(&key);
        prop_assert_eq!(SigningKey::from_bytes(&key.to_bytes()).mac(&[&data]), want);
    }
}
