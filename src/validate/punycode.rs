//! RFC 3492 Punycode encoder, written here because the `idna` crate would add
//! its Unicode tables to the wasm module; domain labels only need encoding.

const BASE: u32 = 36;
const TMIN: u32 = 1;
const TMAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

/// RFC 3492 §6.1.
fn adapt(mut delta: u32, num_points: u32, first_time: bool) -> u32 {
    delta /= if first_time { DAMP } else { 2 };
    delta += delta / num_points;
    let mut k = 0;
    while delta > ((BASE - TMIN) * TMAX) / 2 {
        delta /= BASE - TMIN;
        k += BASE;
    }
    k + (((BASE - TMIN + 1) * delta) / (delta + SKEW))
}

fn digit(d: u32) -> char {
    // 0..=25 → 'a'..='z', 26..=35 → '0'..='9'; callers keep `d < BASE`.
    let b = if d < 26 {
        b'a' + d as u8
    } else {
        b'0' + (d - 26) as u8
    };
    char::from(b)
}

/// Encodes one label (without the `xn--` prefix). Basic code points are copied
/// as they are (case kept), so `encode("bücher") == Some("bcher-kva")`.
/// `None` only on arithmetic overflow, which labels of domain length never reach.
pub fn encode(input: &str) -> Option<String> {
    let chars: Vec<u32> = input.chars().map(u32::from).collect();
    let mut out: String = input.chars().filter(char::is_ascii).collect();
    let basic = u32::try_from(out.len()).ok()?;
    let total = u32::try_from(chars.len()).ok()?;
    if basic > 0 {
        out.push('-');
    }
    let mut n = INITIAL_N;
    let mut delta: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut handled = basic;
    while handled < total {
        // The smallest code point not yet handled; one exists while handled < total.
        let m = chars.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &chars {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::encode;

    fn cps(points: &[u32]) -> String {
        points.iter().filter_map(|&c| char::from_u32(c)).collect()
    }

    #[test]
    fn simple_labels() {
        assert_eq!(encode("bücher").as_deref(), Some("bcher-kva"));
        assert_eq!(encode("münchen").as_deref(), Some("mnchen-3ya"));
        assert_eq!(encode("ü").as_deref(), Some("tda"));
        assert_eq!(encode("abc").as_deref(), Some("abc-"));
        assert_eq!(encode("").as_deref(), Some(""));
        assert_eq!(encode("\u{1F600}").as_deref(), Some("e28h"));
    }

    /// RFC 3492 §7.1 sample strings.
    #[test]
    fn rfc3492_samples() {
        let cases: &[(&[u32], &str)] = &[
            // (A) Arabic (Egyptian)
            (
                &[
                    0x0644, 0x064A, 0x0647, 0x0645, 0x0627, 0x0628, 0x062A, 0x0643, 0x0644, 0x0645,
                    0x0648, 0x0634, 0x0639, 0x0631, 0x0628, 0x064A, 0x061F,
                ],
                "egbpdaj6bu4bxfgehfvwxn",
            ),
            // (B) Chinese (simplified)
            (
                &[
                    0x4ED6, 0x4EEC, 0x4E3A, 0x4EC0, 0x4E48, 0x4E0D, 0x8BF4, 0x4E2D, 0x6587,
                ],
                "ihqwcrb4cv8a8dqg056pqjye",
            ),
            // (C) Chinese (traditional)
            (
                &[
                    0x4ED6, 0x5011, 0x7232, 0x4EC0, 0x9EBD, 0x4E0D, 0x8AAA, 0x4E2D, 0x6587,
                ],
                "ihqwctvzc91f659drss3x8bo0yb",
            ),
            // (D) Czech
            (
                &[
                    0x0050, 0x0072, 0x006F, 0x010D, 0x0070, 0x0072, 0x006F, 0x0073, 0x0074, 0x011B,
                    0x006E, 0x0065, 0x006D, 0x006C, 0x0075, 0x0076, 0x00ED, 0x010D, 0x0065, 0x0073,
                    0x006B, 0x0079,
                ],
                "Proprostnemluvesky-uyb24dma41a",
            ),
            // (E) Hebrew
            (
                &[
                    0x05DC, 0x05DE, 0x05D4, 0x05D4, 0x05DD, 0x05E4, 0x05E9, 0x05D5, 0x05D8, 0x05DC,
                    0x05D0, 0x05DE, 0x05D3, 0x05D1, 0x05E8, 0x05D9, 0x05DD, 0x05E2, 0x05D1, 0x05E8,
                    0x05D9, 0x05EA,
                ],
                "4dbcagdahymbxekheh6e0a7fei0b",
            ),
            // (L) 3<nen>B<gumi><kinpachi><sensei>
            (
                &[
                    0x0033, 0x5E74, 0x0042, 0x7D44, 0x91D1, 0x516B, 0x5148, 0x751F,
                ],
                "3B-ww4c5e180e575a65lsy2b",
            ),
            // (Q) <pafii>de<runba>
            (
                &[
                    0x30D1, 0x30D5, 0x30A3, 0x30FC, 0x0064, 0x0065, 0x30EB, 0x30F3, 0x30D0,
                ],
                "de-jg4avhby1noc0d",
            ),
            // (R) <sono><supiido><de>
            (
                &[0x305D, 0x306E, 0x30B9, 0x30D4, 0x30FC, 0x30C9, 0x3067],
                "d9juau41awczczp",
            ),
        ];
        for (points, expected) in cases {
            assert_eq!(encode(&cps(points)).as_deref(), Some(*expected));
        }
        // (S) only basic code points
        assert_eq!(encode("-> $1.00 <-").as_deref(), Some("-> $1.00 <--"));
        assert_eq!(
            encode("なぜみんな日本語を話してくれないのか").as_deref(),
            Some("n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa")
        );
        assert_eq!(
            encode("PorquénopuedensimplementehablarenEspañol").as_deref(),
            Some("PorqunopuedensimplementehablarenEspaol-fmd56a")
        );
        assert_eq!(
            encode("TạisaohọkhôngthểchỉnóitiếngViệt").as_deref(),
            Some("TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g")
        );
    }
}
