//! Teams on git: ids that cannot collide across clones ([`ids`]), the three-way merge of one
//! annotation file that `spantag merge-driver` runs for git ([`merge`]), conflict markers
//! left by a merge without it ([`markers`]), and the state of a folder ([`status`]).

pub mod conflict;
pub mod git;
pub mod ids;
pub mod markers;
pub mod merge;
pub mod status;
