//! mandat: a static site generator for public policy records. Modules in the order
//! data flows: config and files, load, model, render, output, build; then the dev server.

// Diagnostics are the cold path and carry what the user needs (file, line, hint);
// boxing them everywhere would only add noise.
#![allow(clippy::result_large_err)]

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
