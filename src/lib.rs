//! mandat: a static site generator for public policy records. Modules in the order
//! data flows: config and files, load, model, render, output, build; then the dev server.

// Diagnostics are the cold path and carry what the user needs (file, line, hint);
// boxing them everywhere would only add noise.
#![allow(clippy::result_large_err)]

/// The most items (records, bodies) a thread takes at once from a long list it shares
/// with the others (rayon's `with_max_len`). Left to itself, rayon cuts a list into a
/// few runs a thread, and a thread that has started a run finishes it alone: at 10,000
/// pages one thread read the load's last 2,500 records alone for 19 ms while the other
/// waited. Runs this short cost a few hundred more hand-overs. Not for the pages'
/// outputs: each run of those makes its template contexts anew (`build`).
pub const AT_ONCE: usize = 32;

pub mod advice;
pub mod build;
pub mod cache;
pub mod check;
pub mod config;
pub mod error;
pub mod fs;
pub mod images;
pub mod init;
pub mod kept;
pub mod language;
pub mod load;
pub mod man;
pub mod model;
pub mod new;
pub mod output;
pub mod render;
pub mod schema;
pub mod serve;
pub mod session;
pub mod summary;
pub mod tally;
pub mod versions;
