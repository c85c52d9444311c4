//! The few float operations the rules need, written out: `no_std` has no `f64::fract`,
//! `ceil` or `round`.

/// True for a finite number without a fractional part.
pub fn is_integer(value: f64) -> bool {
    value.is_finite()
        && (value >= 9_007_199_254_740_992.0
            || value <= -9_007_199_254_740_992.0
            || value == (value as i64) as f64)
}

/// The smallest integer at or above a non-negative `value`, saturating at `u32::MAX`.
pub fn ceil_u32(value: f64) -> u32 {
    let whole = value as u32;
    if (whole as f64) < value {
        whole.saturating_add(1)
    } else {
        whole
    }
}

/// A non-negative `value` rounded to the nearest integer, saturating at `u32::MAX`.
pub fn round_u32(value: f64) -> u32 {
    (value + 0.5) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_roundings() {
        for (value, integer) in [
            (0.0, true),
            (3.0, true),
            (-3.0, true),
            (1.5, false),
            (f64::NAN, false),
            (f64::INFINITY, false),
            (1e300, true),
            (2f64.powi(53) + 2.0, true),
        ] {
            assert_eq!(is_integer(value), integer, "{value}");
        }
        assert_eq!(ceil_u32(0.0), 0);
        assert_eq!(ceil_u32(2.0), 2);
        assert_eq!(ceil_u32(2.1), 3);
        assert_eq!(ceil_u32(1e12), u32::MAX);
        assert_eq!(round_u32(2.49), 2);
        assert_eq!(round_u32(2.5), 3);
        assert_eq!(round_u32(0.0), 0);
    }
}
