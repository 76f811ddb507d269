//! The `kpop-facts` binary as a process: `run` against the fake Discord, its stderr read on a
//! thread, signals, and a generous wait for its end.

use std::io::Read;
use std::process::{ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::process::{Child, Command};

use super::fake_discord::FakeDiscord;

/// Long enough for any run to end on a loaded machine; only a hang outlasts it.
pub const GENEROUS: Duration = Duration::from_secs(60);

/// `kpop-facts run`, its stderr read on a thread so it can never block on a full pipe. Killed
/// if it is still running when dropped.
pub struct BotProcess {
    child: Child,
    stderr: Option<JoinHandle<String>>,
}

impl BotProcess {
    pub fn start(
        fake: &FakeDiscord,
        db: &kpop_facts::store::Location,
        env: &[(&str, &str)],
    ) -> BotProcess {
        let (mut pipe, write_end) = std::io::pipe().unwrap();
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
            .stderr(write_end)
            .kill_on_drop(true);
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command.spawn().unwrap();
        // The write end must close here too, or the reader never sees the end of the text.
        drop(command);
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

    pub fn pid(&self) -> u32 {
        self.child.id().expect("the bot is running")
    }

    pub fn signal(&self, sig: libc::c_int) {
        let pid = self.child.id().expect("the bot is running");
        let pid = libc::pid_t::try_from(pid).unwrap();
        // SAFETY: kill(2) with the pid of a child this test spawned and has not reaped.
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
    }

    /// Waits for the process to end by itself; kills it and panics with its stderr if it hangs.
    pub async fn exit(mut self) -> (ExitStatus, String) {
        let status = tokio::time::timeout(GENEROUS, self.child.wait()).await;
        let Ok(status) = status else {
            self.child.kill().await.unwrap();
            let stderr = self.stderr.take().unwrap().join().unwrap();
            panic!("the bot did not end within {GENEROUS:?}:\n{stderr}");
        };
        (status.unwrap(), self.stderr.take().unwrap().join().unwrap())
    }
}
