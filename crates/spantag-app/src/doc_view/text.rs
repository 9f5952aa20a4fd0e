//! Short one-line previews of document text (span lists, menus, tooltips).

/// The first `max` characters of a text, on one line.
pub fn preview(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut s: String = one_line.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// [`preview`] that keeps both ends: at most `max` characters, the middle replaced by `…`,
/// so that two spans that differ only in where they start or end look different.
pub fn preview_ends(text: &str, max: usize) -> String {
    let one_line = preview(text, usize::MAX);
    let n = one_line.chars().count();
    if n <= max {
        return one_line;
    }
    let head = max.saturating_sub(1) / 2;
    let tail = max.saturating_sub(1) - head;
    let mut s: String = one_line.chars().take(head).collect();
    s.push('…');
    s.extend(one_line.chars().skip(n - tail));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_shortens() {
        assert_eq!(preview("a\nb", 10), "a b");
        assert_eq!(preview("abcdef", 4), "abc…");
        assert_eq!(preview_ends("abcdefgh", 5), "ab…gh");
        assert_eq!(preview_ends("abcdefgh", 6), "ab…fgh");
        assert_eq!(preview_ends("a\nbc", 5), "a bc");
        assert_eq!(preview_ends("Zoë said\n", 4), "Z…d ");
    }
}
