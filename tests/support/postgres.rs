//! A throwaway PostgreSQL cluster for the tests, started from the server's own binaries once per
//! test process: `initdb` into a temporary directory, `pg_ctl start` on a free loopback port,
//! and a database per test (`fresh_database`) or per test directory (`database_for`).
//!
//! libtest has no global teardown, so each cluster has a watchdog process: it reads a pipe
//! whose write ends live only in the test process (and in `initdb` or `pg_ctl start` while they
//! run), and when the last one closes (the process ended, passed, panicked, aborted or was
//! killed) it stops the server with `pg_ctl stop -m immediate` and removes the directory.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{PipeWriter, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// Where Debian and Ubuntu put each major version's server binaries (`<root>/15/bin`).
pub const VERSIONS_ROOT: &str = "/usr/lib/postgresql";
/// The version the tests are written against, preferred when several are installed.
pub const PREFERRED_VERSION: u32 = 15;
/// Overrides the lookup: a directory holding `initdb`, `pg_ctl`, `postgres` and `createdb`.
pub const BIN_ENV: &str = "KPOP_FACTS_PG_BIN";
/// The binaries the harness runs; a directory lacking one of them is not used.
const NEEDED: [&str; 4] = ["initdb", "pg_ctl", "postgres", "createdb"];
/// Tries at a free port before giving up: another process can take the port between the probe
/// and the server's bind.
const PORT_TRIES: usize = 5;
/// How much of the server log a failed start shows.
const LOG_TAIL_LINES: usize = 40;

/// The server binaries to use: `$KPOP_FACTS_PG_BIN` when set, else PostgreSQL 15's, else the
/// newest installed version above 15. None when none of them is complete.
pub fn bin_dir() -> Option<PathBuf> {
    let explicit = std::env::var_os(BIN_ENV).map(PathBuf::from);
    find_bin_dir(explicit.as_deref(), Path::new(VERSIONS_ROOT))
}

/// The lookup behind `bin_dir`, on given places. An explicit directory is the only candidate,
/// so pointing it at an empty directory turns the PostgreSQL tests off.
pub fn find_bin_dir(explicit: Option<&Path>, versions_root: &Path) -> Option<PathBuf> {
    if let Some(dir) = explicit {
        return has_binaries(dir).then(|| dir.to_path_buf());
    }
    let preferred = versions_root
        .join(PREFERRED_VERSION.to_string())
        .join("bin");
    if has_binaries(&preferred) {
        return Some(preferred);
    }
    let mut versions: Vec<u32> = std::fs::read_dir(versions_root)
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter(|v| *v >= PREFERRED_VERSION)
        .collect();
    versions.sort_unstable();
    versions
        .into_iter()
        .rev()
        .map(|v| versions_root.join(v.to_string()).join("bin"))
        .find(|dir| has_binaries(dir))
}

fn has_binaries(dir: &Path) -> bool {
    NEEDED.iter().all(|name| dir.join(name).is_file())
}

/// The line a PostgreSQL test prints instead of running when the server is not installed.
pub fn skip_line() -> &'static str {
    "skipped: PostgreSQL 15 server binaries not found (/usr/lib/postgresql/15/bin, or \
     $KPOP_FACTS_PG_BIN); install the postgresql package (apt-get install postgresql) to run the \
     PostgreSQL tests"
}

/// The shared cluster, or None after saying once per process that the PostgreSQL tests are
/// skipped. A test starts with `let Some(pg) = cluster_or_skip() else { return };`.
pub fn cluster_or_skip() -> Option<&'static Cluster> {
    static SAID: AtomicBool = AtomicBool::new(false);
    // Straight to stderr: libtest captures `eprintln!`, and the one line would only show for
    // the test that happened to print it, and only when that test fails.
    skip_unless(cluster(), &SAID, &mut std::io::stderr())
}

/// `found`, or None after writing the skip line to `out` unless `said` says it was written.
pub fn skip_unless<T>(found: Option<T>, said: &AtomicBool, out: &mut dyn Write) -> Option<T> {
    if found.is_none() && !said.swap(true, Ordering::Relaxed) {
        let _ = writeln!(out, "{}", skip_line());
    }
    found
}

/// The cluster shared by every test of this process, started on first use; None when the
/// server binaries are missing. Panics (in every test that asks) when it could not start.
pub fn cluster() -> Option<&'static Cluster> {
    static CLUSTER: OnceLock<Option<Result<Cluster, String>>> = OnceLock::new();
    match CLUSTER.get_or_init(|| bin_dir().map(|bin| Cluster::start(&bin))) {
        None => None,
        Some(Ok(cluster)) => Some(cluster),
        Some(Err(why)) => panic!("{why}"),
    }
}

/// A running PostgreSQL server in a directory of its own. Dropping it (or the end of the test
/// process, for the shared one) stops the server and removes the directory.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    databases: AtomicU64,
    by_key: Mutex<HashMap<PathBuf, String>>,
    /// The watchdog's pipe: closing it is the signal to stop and clean up.
    _alive: PipeWriter,
}

impl Cluster {
    /// Initialises and starts a new cluster from the binaries in `bin`, with its teardown
    /// already armed. The error holds the failing step's output or the server log's tail.
    pub fn start(bin: &Path) -> Result<Cluster, String> {
        let dir = tempfile::Builder::new()
            .prefix("kpop-facts-pg-")
            .tempdir()
            .map_err(|e| format!("PostgreSQL test cluster: no temporary directory: {e}"))?
            .keep();
        // Armed before anything else, so a failure below still removes the directory.
        let alive = watchdog(bin, &dir)?;
        if as_root() {
            run(Command::new("chown").arg("postgres:").arg(&dir), "chown")?;
        }
        let data = dir.join("data");
        let mut args = [
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "-D",
        ]
        .map(OsStr::new)
        .to_vec();
        args.push(data.as_os_str());
        let mut initdb = as_postgres(&bin.join("initdb"), &args, &dir);
        run(holding(&mut initdb, &alive)?, "initdb")?;
        let port = start_server(bin, &dir, &alive)?;
        Ok(Cluster {
            bin: bin.to_path_buf(),
            dir,
            port,
            databases: AtomicU64::new(0),
            by_key: Mutex::new(HashMap::new()),
            _alive: alive,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding the cluster (its data in `data/`, the server log in `server.log`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The server binaries the cluster runs on (`psql` is there too).
    pub fn bin_dir(&self) -> &Path {
        &self.bin
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// A new empty database with a name no other call returns; its URL.
    pub fn fresh_database(&self) -> String {
        let n = self.databases.fetch_add(1, Ordering::Relaxed);
        let name = format!("t_{}_{n}", std::process::id());
        run(
            Command::new(self.bin.join("createdb"))
                .args(["-h", "127.0.0.1", "-U", "postgres", "-p"])
                .arg(self.port.to_string())
                .arg(&name),
            "createdb",
        )
        .unwrap_or_else(|why| panic!("{why}"));
        self.url(&name)
    }

    /// The same database's URL for every call with the same `key` (a test's directory, say,
    /// so a bot restarted on that directory finds its data), created on the first.
    pub fn database_for(&self, key: &Path) -> String {
        let mut by_key = self
            .by_key
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        by_key
            .entry(key.to_path_buf())
            .or_insert_with(|| self.fresh_database())
            .clone()
    }
}

/// Starts the server on a free loopback port, trying again with another port when the one
/// found was taken in between; the port it listens on.
fn start_server(bin: &Path, dir: &Path, alive: &PipeWriter) -> Result<u16, String> {
    let data = dir.join("data");
    let log = dir.join("server.log");
    let mut last = String::new();
    for _ in 0..PORT_TRIES {
        let port = free_port()?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={} \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -c max_connections=400 -c shared_buffers=128MB",
            shell_quote(&data.to_string_lossy()),
        );
        let logged_before = std::fs::metadata(&log).map_or(0, |m| m.len());
        let args = [
            OsStr::new("start"),
            OsStr::new("-w"),
            OsStr::new("-D"),
            data.as_os_str(),
            OsStr::new("-l"),
            log.as_os_str(),
            OsStr::new("-o"),
            OsStr::new(&options),
        ];
        let mut pg_ctl = as_postgres(&bin.join("pg_ctl"), &args, dir);
        let started = run(holding(&mut pg_ctl, alive)?, "pg_ctl start");
        let Err(why) = started else {
            return Ok(port);
        };
        let text = std::fs::read(&log).unwrap_or_default();
        let attempt = String::from_utf8_lossy(text.get(logged_before as usize..).unwrap_or(&[]));
        last = format!("{why}\nserver log ({}):\n{}", log.display(), tail(&attempt));
        if !attempt.contains("could not bind") && !attempt.contains("Address already in use") {
            break;
        }
    }
    Err(last)
}

/// A loopback port nothing listens on right now.
fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("PostgreSQL test cluster: no free loopback port: {e}"))
}

/// Spawns the process that stops the server and removes `dir` once the returned pipe end
/// closes. It runs in a process group of its own, so a Ctrl-C aimed at the tests spares it.
fn watchdog(bin: &Path, dir: &Path) -> Result<PipeWriter, String> {
    let (read, write) = std::io::pipe().map_err(|e| format!("watchdog pipe: {e}"))?;
    let data = dir.join("data");
    let args = [
        OsStr::new("stop"),
        OsStr::new("-m"),
        OsStr::new("immediate"),
        OsStr::new("-D"),
        data.as_os_str(),
    ];
    let stop = as_postgres(&bin.join("pg_ctl"), &args, dir);
    let mut command = Command::new("sh");
    command
        // `cat` sees end of file when the test process is gone; nothing is ever written.
        .arg("-c")
        .arg(r#"cat >/dev/null; dir=$1; shift; "$@"; rm -rf -- "$dir""#)
        .arg("sh")
        .arg(dir)
        .arg(stop.get_program())
        .args(stop.get_args())
        .current_dir("/")
        .process_group(0)
        .stdin(read)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // Never waited for: it outlives the test process, then init reaps it.
    command
        .spawn()
        .map_err(|e| format!("PostgreSQL test cluster: cannot spawn its watchdog: {e}"))?;
    Ok(write)
}

/// `command` with its stdout on the watchdog's pipe, so that the watchdog waits for it to end
/// too: a test process killed during `initdb` or `pg_ctl start` would otherwise have the
/// directory removed under a step still writing it, or a server start after the stop. Its
/// progress text is lost; errors go to stderr. (The server itself writes to its log instead.)
fn holding<'c>(command: &'c mut Command, alive: &PipeWriter) -> Result<&'c mut Command, String> {
    let hold = alive
        .try_clone()
        .map_err(|e| format!("PostgreSQL test cluster: watchdog pipe: {e}"))?;
    Ok(command.stdout(hold))
}

fn as_root() -> bool {
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// `program args` as a command run by the `postgres` user when the tests run as root (initdb
/// and pg_ctl refuse root), from `dir`, which that user can enter.
fn as_postgres<S: AsRef<OsStr>>(program: &Path, args: &[S], dir: &Path) -> Command {
    let mut command = if !as_root() {
        Command::new(program)
    } else if has_runuser() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        // su takes the whole command as one shell line.
        let line = std::iter::once(program.as_os_str())
            .chain(args.iter().map(AsRef::as_ref))
            .map(|word| shell_quote(&word.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(" ");
        let mut c = Command::new("su");
        c.args(["postgres", "-s", "/bin/sh", "-c"]).arg(line);
        c.current_dir(dir);
        return c;
    };
    command.args(args).current_dir(dir);
    command
}

fn has_runuser() -> bool {
    static FOUND: OnceLock<bool> = OnceLock::new();
    *FOUND.get_or_init(|| {
        Command::new("runuser")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    })
}

/// Runs `command` to its end; the error names `what` and holds its output.
fn run(command: &mut Command, what: &str) -> Result<Output, String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("PostgreSQL test cluster: cannot run {what}: {e}"))?;
    if output.status.success() {
        return Ok(output);
    }
    Err(format!(
        "PostgreSQL test cluster: {what} failed ({}): {:?}\n{}{}",
        output.status,
        command_line(command),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    ))
}

fn command_line(command: &Command) -> Vec<&OsStr> {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .collect()
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
}

/// `text` as one word for the shell pg_ctl runs the server through.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
