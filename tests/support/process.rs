//! The `kpop-facts` binary as a process: `run` against the fake Discord, its stderr read on a
//! thread, signals, and a generous wait for its end.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

use super::fake_discord::FakeDiscord;

/// Long enough for any run to end on a loaded machine; only a hang outlasts it.
pub const GENEROUS: Duration = Duration::from_secs(60);

/// `kpop-facts run`, its stderr read on a thread so it can never block on a full pipe.
pub struct BotProcess {
    child: Child,
    stderr: Option<JoinHandle<String>>,
}

impl BotProcess {
    pub fn start(fake: &FakeDiscord, db: &Path, env: &[(&str, &str)]) -> BotProcess {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kpop-facts"));
        command
            .arg("--db")
            .arg(db)
            .arg("run")
            .env_remove("RUST_LOG")
            .env_remove("DISCORD_TOKEN_FILE")
            .env("DISCORD_TOKEN", &fake.config().token)
            .env("DISCORD_API_BASE_URL", fake.base_url())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().unwrap();
        let mut pipe = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        });
        BotProcess {
            child,
            stderr: Some(stderr),
        }
    }

    pub fn signal(&self, sig: libc::c_int) {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) with the pid of a child this test spawned and has not reaped.
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
    }

    /// Waits for the process to end by itself; kills it and panics with its stderr if it hangs.
    pub async fn exit(mut self) -> (ExitStatus, String) {
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > GENEROUS {
                break None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let Some(status) = status else {
            self.child.kill().unwrap();
            self.child.wait().unwrap();
            let stderr = self.stderr.take().unwrap().join().unwrap();
            panic!("the bot did not end within {GENEROUS:?}:\n{stderr}");
        };
        (status, self.stderr.take().unwrap().join().unwrap())
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
