//! Where every new span and relation id comes from.
//!
//! Two clones of a project (two machines of one annotator, two curators) edit the same file
//! and merge with git. With ids counted up from the file's largest, both clones hand out the
//! same next id and a plain line merge leaves two spans with one id. So each session (one run
//! of the app or of a command) draws a random *tag* and mints its ids from its own block:
//!
//! ```text
//! id = tag × 100 000 + n        tag: 1 ..= 9 999 999 (random per session), n: 1, 2, 3 …
//! ```
//!
//! Ids stay plain integers (at most 13 digits, exact in JSON and spreadsheets), read as
//! "session 4821937, number 3" (`482193700003`), and old files — ids 1, 2, 3 … from before —
//! sit below every block, so they stay readable and never collide with new ids. Within a
//! block the next id is above every id of the layer in that block, so a session that draws a
//! block already used in the file continues after it. Two sessions editing apart collide
//! only when they draw the same tag (one chance in ten million per pair).
//!
//! `SPANTAG_ID_TAG=<n>` fixes the tag (reproducible scripts and tests); `SPANTAG_ID_TAG=0`
//! gives the old scheme (largest id + 1).

use std::ops::Range;
use std::sync::OnceLock;

/// Ids per session block.
pub const BLOCK: u64 = 100_000;

/// The largest tag drawn: ids stay below 10¹², exact as JSON numbers and spreadsheet cells.
pub const MAX_TAG: u64 = 9_999_999;

/// This session's tag: `SPANTAG_ID_TAG` when set to a number, else drawn once at random.
pub fn session_tag() -> u64 {
    static TAG: OnceLock<u64> = OnceLock::new();
    *TAG.get_or_init(|| {
        std::env::var("SPANTAG_ID_TAG")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or_else(random_tag, |t| t.min(MAX_TAG))
    })
}

/// A random tag in `1..=MAX_TAG`, from the operating system's randomness (std's hasher keys
/// are seeded from it), mixed with the time and the process id.
pub fn random_tag() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.write_u32(std::process::id());
    hasher.finish() % MAX_TAG + 1
}

/// The ids a session with this tag hands out (tag 0: every id, the old scheme).
pub fn block(tag: u64) -> Range<u64> {
    if tag == 0 {
        0..u64::MAX
    } else {
        tag * BLOCK..(tag + 1) * BLOCK
    }
}

/// The first id a session with this tag may hand out in a layer holding `taken`: above every
/// taken id that lies in its block (never 0).
pub fn first_free(tag: u64, taken: impl IntoIterator<Item = u64>) -> u64 {
    let block = block(tag);
    taken
        .into_iter()
        .filter(|id| block.contains(id))
        .max()
        .map_or(block.start + 1, |id| id.saturating_add(1))
}

/// Whether an id belongs to this session's block (so that handing it out again must be
/// avoided).
pub fn in_block(tag: u64, id: u64) -> bool {
    block(tag).contains(&id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_sit_above_old_ids_and_apart() {
        // Old files: ids 1..=n; a session's first id is tag × 100 000 + 1.
        assert_eq!(first_free(42, [1, 2, 3, 99_999]), 4_200_001);
        assert_eq!(first_free(42, [4_200_007, 3, 4_300_001]), 4_200_008);
        assert_eq!(first_free(0, [1, 2, 9]), 10, "tag 0: the old scheme");
        assert_eq!(first_free(0, []), 1);
        assert!(!in_block(42, 4_300_000));
        assert!(in_block(42, 4_299_999));
        let top = block(MAX_TAG).end;
        assert!(top <= 1_000_000_000_000, "at most 12 digits: {top}");
        assert!(top < (1 << 53), "exact as a JSON number");
    }

    #[test]
    fn random_tags_are_in_range_and_vary() {
        let tags: std::collections::HashSet<u64> = (0..64).map(|_| random_tag()).collect();
        assert!(tags.iter().all(|t| (1..=MAX_TAG).contains(t)));
        assert!(tags.len() > 60, "{} distinct of 64", tags.len());
    }
}
