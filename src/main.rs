//! The command line: parse arguments, call the library, print every problem, set the
//! exit code (0 success, 1 content error, 2 bad usage).

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use mandat::build::{self, BuildOptions};
use mandat::config::resolve_paths;
use mandat::error::{Diagnostic, Error, Report};
use mandat::model::{Date, ACCEPTED_FORMS};

/// A static site generator for public policy records: mandates, agreements and
/// strategies, with timelines (what happened when) and roles (who does what).
#[derive(Parser)]
#[command(name = "mandat", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site in DIR into the output folder. A failed build leaves the previous output untouched.
    Build {
        /// The site folder, holding content/ (and optionally themes/).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Where to write the site [default: DIR/output].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The public address of the site, overriding base_url in site.yaml.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Render every page, even those the build cache knows to be unchanged.
        #[arg(long)]
        no_cache: bool,
    },
    /// Check everything a build checks, plus every link and #anchor, without writing anything.
    Check {
        /// The site folder, holding content/.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// How to print the problems: for people, or as JSON for editors and tools.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Freeze the current content as the version NAME (content/versions/NAME/), published at /v/NAME/.
    Release {
        /// The version's name, part of its address: e.g. 2025 or 2025-06.
        name: String,
        /// The site folder, holding content/.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// One line saying what the version is, shown with it.
        #[arg(long, value_name = "TEXT")]
        label: Option<String>,
        /// The release date [default: today].
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: Option<Date>,
    },
    /// Build the site, serve it on this computer and rebuild it on every save; open pages reload themselves.
    Serve {
        /// The site folder, holding content/ (and optionally themes/).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// The address to listen on; the default keeps the preview on this computer.
        #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
        bind: IpAddr,
        /// The port to listen on (0: any free port).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Open the site in the browser once it is built.
        #[arg(long)]
        open: bool,
        /// Look for changes every 300 ms instead of waiting for the system's file
        /// events (for network drives and containers, where those do not arrive).
        #[arg(long)]
        poll: bool,
    },
    /// Write a new page, event file, actor or initiative with the fields it needs, in the site's language.
    New {
        /// What to make.
        #[arg(value_enum)]
        kind: NewKind,
        /// Its name, which becomes its file name and address: e.g. fosterhjem, or fakta/fosterhjem for a page in a section.
        id: String,
        /// The site folder, holding content/.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Write JSON Schema files for site.yaml, actors, initiatives, pages and events, for editors' completion and checks.
    Schema {
        /// Where to write them [default: DIR/schema].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The site folder.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Create a new site in DIR with one example of each kind of record.
    Init {
        /// The folder for the new site (created if missing).
        dir: PathBuf,
    },
    /// Print the manual page mandat.1, or with --out write it and one page per command
    /// into DIR (for packages: `mandat man --out DIR`).
    #[command(hide = true)]
    Man {
        /// The folder to write mandat.1 and mandat-COMMAND.1 into.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Started by `build` to remove the previous output once the new one is in place.
    #[command(name = mandat::fs::REMOVE_COMMAND, hide = true)]
    RemovePrevious { dirs: Vec<PathBuf> },
}

#[derive(Clone, Copy, ValueEnum)]
enum NewKind {
    Page,
    Event,
    Actor,
    Initiative,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// mimalloc rather than glibc's allocator: a full build of 10,000 generated pages took
/// 13 % less time, and one of 100,000 pages 18 % less (the build allocates and frees
/// many small values: a page's fields, its view for the template, the template's own).
/// Only where it is measured: on musl (`dist/build.sh` when Rust's musl target is
/// installed) its C would need a musl compiler, and the platform's allocator stays.
#[cfg(all(feature = "mimalloc", target_os = "linux", target_env = "gnu"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. }) {
        // mimalloc is built not to ask for transparent huge pages (Cargo.toml): where it
        // got them here, a build's peak memory counted whole 2 MB pages, 115-121 MB
        // instead of 91 MB at 10,000 pages, in the same time. Where the system hands
        // them out unasked (`always`), a one-off command turns them off for itself (and
        // the remover a build starts); the preview does not, as it starts the reader's
        // browser, which would inherit it.
        // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this process.
        #[cfg(all(feature = "mimalloc", target_os = "linux", target_env = "gnu"))]
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1 as libc::c_ulong, 0, 0, 0);
        }
        // A command whose output is piped into `head` stops quietly when the pipe closes,
        // as other command-line tools do, rather than panicking in `println!`. The preview
        // keeps Rust's default (ignored), so a reader closing a connection cannot stop it.
        // SAFETY: no other thread runs yet, and SIG_DFL is a valid disposition.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    // Only build and release write; their failures say that nothing was written.
    let nothing_written = match cli.command {
        Command::Build { .. } => "; nothing was written (the previous output is unchanged)",
        Command::Release { .. } => "; nothing was released (content/versions/ is unchanged)",
        _ => "",
    };
    let result = match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            no_cache,
        } => {
            let paths = resolve_paths(root.as_deref(), out.as_deref(), base_url);
            build::build(
                &paths,
                &BuildOptions {
                    extra: None,
                    progress: true,
                    one_off: true,
                    no_cache,
                },
            )
            .map(|summary| {
                print_diagnostics(&summary.warnings, color);
                println!("{}", summary.line(&paths.out));
                println!("{}", summary.language.line());
            })
        }
        Command::Check { root, format } => {
            let paths = resolve_paths(root.as_deref(), None, None);
            match (mandat::session::check_with_language(&paths), format) {
                (Ok((warnings, language)), Format::Json) => {
                    // The report, with the share of each written standard beside it.
                    let mut doc: serde_json::Value =
                        serde_json::from_str(&Report(&warnings).json()).unwrap_or_default();
                    if let Some(map) = doc.as_object_mut() {
                        map.insert("language".into(), language.json());
                    }
                    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
                    Ok(())
                }
                (Err(e), Format::Json) => {
                    println!("{}", Report(e.diagnostics()).json());
                    if let Error::Usage(m) | Error::Io(m) = &e {
                        eprintln!("error: {m}");
                    }
                    return ExitCode::from(e.exit_code() as u8);
                }
                (Ok((warnings, language)), Format::Text) => {
                    print_diagnostics(&warnings, color);
                    println!("{}", language.line());
                    println!("no problems found ({} warnings)", warnings.len());
                    Ok(())
                }
                (Err(e), Format::Text) => Err(e),
            }
        }
        Command::Release {
            name,
            root,
            label,
            date,
        } => {
            let paths = resolve_paths(root.as_deref(), None, None);
            mandat::versions::release(&paths, &name, label.as_deref(), date, |p| {
                mandat::session::check(p).map(|_| ())
            })
            .map(|r| {
                println!(
                    "released version {} ({} files, dated {}) into {}",
                    r.name,
                    r.files,
                    r.date,
                    r.folder.display()
                );
                println!("`mandat build` publishes it at /v/{}/", r.name);
            })
        }
        Command::Serve {
            root,
            bind,
            port,
            open,
            poll,
        } => mandat::serve::run(mandat::serve::Options {
            root,
            bind,
            port,
            open,
            poll,
            color,
        }),
        Command::New { kind, id, root } => {
            let paths = resolve_paths(root.as_deref(), None, None);
            let kind = match kind {
                NewKind::Page => mandat::new::Kind::Page,
                NewKind::Event => mandat::new::Kind::Event,
                NewKind::Actor => mandat::new::Kind::Actor,
                NewKind::Initiative => mandat::new::Kind::Initiative,
            };
            mandat::new::new(&paths, kind, &id)
                .map(|rel| println!("{}", mandat::new::next_steps(&rel)))
        }
        Command::Init { dir } => mandat::init::init(&dir).map(|n| {
            println!("created a new site with {n} files in {}", dir.display());
            println!("build it with: mandat build --root {}", dir.display());
        }),
        Command::Schema { out, root } => {
            let root = root.unwrap_or_else(|| PathBuf::from("."));
            let dir = out.unwrap_or_else(|| root.join(mandat::schema::DEFAULT_DIR));
            mandat::schema::write(&dir).map(|files| {
                println!(
                    "wrote {} schema files into {} (docs/editors.md shows how to use them)",
                    files.len(),
                    dir.display()
                );
            })
        }
        Command::Man { out: None } => {
            use std::io::Write;
            let page = mandat::man::main_page(&Cli::command());
            std::io::stdout()
                .write_all(&page)
                .map_err(|e| Error::Io(format!("could not print the manual page: {e}")))
        }
        Command::Man { out: Some(dir) } => mandat::man::write_pages(&Cli::command(), &dir)
            .map(|pages| println!("wrote {} manual pages into {}", pages.len(), dir.display())),
        Command::RemovePrevious { dirs } => {
            mandat::fs::remove_previous_outputs(&dirs);
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match &e {
                Error::Usage(m) | Error::Io(m) => eprintln!("error: {m}"),
                Error::Content(ds) => {
                    let report = Report(ds);
                    eprint!("{}", report.render(color));
                    eprintln!("error: {}{nothing_written}", report.summary());
                }
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn print_diagnostics(ds: &[Diagnostic], color: bool) {
    eprint!("{}", Report(ds).render(color));
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).map_err(|e| format!("{e}; {ACCEPTED_FORMS}"))
}
