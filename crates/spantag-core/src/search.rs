//! Finding text in a document: plain text or a regular expression, optionally whole words
//! only and case-sensitive. Matches are code point ranges, half-open, in document order and
//! never overlapping, ready to be tagged all at once.

use std::ops::Range;

use crate::document::Document;

/// What to look for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The text, or the pattern when `regex` is set.
    pub text: String,
    /// Only matches that start and end at word boundaries.
    pub whole_word: bool,
    /// Upper and lower case differ.
    pub case_sensitive: bool,
    /// `text` is a regular expression (Rust `regex` syntax).
    pub regex: bool,
}

/// Why a query cannot run.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SearchError {
    /// The regular expression does not parse.
    #[error("not a valid regular expression: {0}")]
    BadPattern(String),
}

/// Every match of `query` in the document, as code point ranges. An empty query finds
/// nothing; empty matches of a pattern are skipped.
pub fn find_all(doc: &Document, query: &Query) -> Result<Vec<Range<usize>>, SearchError> {
    if query.text.is_empty() {
        return Ok(Vec::new());
    }
    let text = doc.text();
    let bytes: Vec<Range<usize>> = if !query.regex && query.case_sensitive && !query.whole_word {
        // The common case needs no regex machinery.
        text.match_indices(query.text.as_str())
            .map(|(b, m)| b..b + m.len())
            .collect()
    } else {
        let pattern = if query.regex {
            query.text.clone()
        } else {
            regex::escape(&query.text)
        };
        let pattern = if query.whole_word {
            format!(r"\b(?:{pattern})\b")
        } else {
            pattern
        };
        let re = regex::RegexBuilder::new(&pattern)
            .case_insensitive(!query.case_sensitive)
            .build()
            .map_err(|e| SearchError::BadPattern(first_line(&e.to_string())))?;
        re.find_iter(text)
            .filter(|m| !m.is_empty())
            .map(|m| m.range())
            .collect()
    };
    // Byte offsets to code points, walking forward once (matches are in order).
    let mut out = Vec::with_capacity(bytes.len());
    let (mut byte, mut chars) = (0usize, 0usize);
    for r in bytes {
        chars += text[byte..r.start].chars().count();
        let start = chars;
        chars += text[r.start..r.end].chars().count();
        byte = r.end;
        out.push(start..chars);
    }
    Ok(out)
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::from_text(text.to_owned())
    }

    fn q(text: &str) -> Query {
        Query {
            text: text.into(),
            case_sensitive: true,
            ..Query::default()
        }
    }

    #[test]
    fn plain_whole_word_case_and_regex() {
        // Offsets from Python (`re.finditer` on the same str): "Reyes" at 3, 29 and 38 (in
        // "Reyesville"), "reyes" at 19, 東京 at 14, 👋 at 17.
        let d = doc("Mr Reyes said 東京 👋 reyes met Reyes in Reyesville.");
        assert_eq!(find_all(&d, &q("Reyes")).unwrap(), [3..8, 29..34, 38..43]);
        let whole = Query {
            whole_word: true,
            ..q("Reyes")
        };
        assert_eq!(find_all(&d, &whole).unwrap(), [3..8, 29..34]);
        let any_case = Query {
            case_sensitive: false,
            whole_word: true,
            ..q("reyes")
        };
        assert_eq!(find_all(&d, &any_case).unwrap(), [3..8, 19..24, 29..34]);
        let re = Query {
            regex: true,
            ..q(r"東京|👋")
        };
        assert_eq!(find_all(&d, &re).unwrap(), [14..16, 17..18]);
        let bad = Query {
            regex: true,
            ..q("(unclosed")
        };
        assert!(matches!(
            find_all(&d, &bad),
            Err(SearchError::BadPattern(_))
        ));
        assert!(find_all(&d, &q("")).unwrap().is_empty());
        let chars: Vec<char> = d.text().chars().collect();
        for r in find_all(&d, &any_case).unwrap() {
            let found: String = chars[r].iter().collect();
            assert_eq!(found.to_lowercase(), "reyes");
        }
    }
}
