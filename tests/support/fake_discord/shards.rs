//! Gateway sharding as Discord does it: a guild lives on shard `(guild_id >> 22) % num_shards`,
//! its events go only to that shard's session, and `GET /gateway/bot` recommends a count. Here
//! too the test-facing API for sharded clients.

use std::time::Duration;

use serde_json::Value;

use super::session::Outbound;
use super::{FakeConfig, FakeDiscord, objects};

/// Milliseconds since the Discord epoch of the first guild [`FakeConfig::guilds`] makes (2023).
const GUILDS_BASE_MS: u64 = 262_000_000_000;

/// The shard that holds a guild, by Discord's rule. A count of 0 is treated as 1.
pub fn shard_of(guild_id: u64, num_shards: u32) -> u32 {
    let shard = (guild_id >> 22) % u64::from(num_shards.max(1));
    u32::try_from(shard).expect("below a u32 count")
}

/// The guild a dispatch belongs to: `d.id` for the guild's own events, `d.guild_id` otherwise.
pub(super) fn guild_of(t: &str, d: &Value) -> Option<u64> {
    let key = match t {
        "GUILD_CREATE" | "GUILD_UPDATE" | "GUILD_DELETE" => "id",
        _ => "guild_id",
    };
    objects::id_text(&d[key]).parse().ok()
}

/// The configured guilds on one shard, in configured order.
pub(super) fn guilds_on(cfg: &FakeConfig, (shard, num_shards): (u32, u32)) -> Vec<u64> {
    cfg.guild_ids
        .iter()
        .copied()
        .filter(|&g| shard_of(g, num_shards) == shard)
        .collect()
}

/// IDENTIFY's `shard`: `[shard_id, num_shards]` with the id below the count.
pub(super) fn parse_shard(shard: &Value) -> Option<(u32, u32)> {
    let [id, total] = shard.as_array()?.as_slice() else {
        return None;
    };
    let number = |v: &Value| u32::try_from(v.as_u64()?).ok();
    let (id, total) = (number(id)?, number(total)?);
    (id < total).then_some((id, total))
}

impl FakeConfig {
    /// `n` guild ids with consecutive timestamps, so they spread evenly over any shard count.
    pub fn guilds(n: usize) -> Vec<u64> {
        (0..n as u64)
            .map(|i| ((GUILDS_BASE_MS + i) << 22) | (i & 0x3F_FFFF))
            .collect()
    }
}

impl FakeDiscord {
    /// Waits until every listed shard has a live socket whose session identified with
    /// `num_shards` shards.
    #[must_use]
    pub async fn wait_shards_ready(
        &self,
        shards: &[u32],
        num_shards: u32,
        timeout: Duration,
    ) -> bool {
        self.wait_until(timeout, |fake| {
            let live = fake.live_shards();
            shards.iter().all(|&s| live.contains(&(s, num_shards)))
        })
        .await
    }

    /// `(shard_id, num_shards)` of every shard with a live socket, by shard id.
    pub fn live_shards(&self) -> Vec<(u32, u32)> {
        self.shared.read(|inner| inner.gateway.live_shards())
    }

    /// Changes the shard count `GET /gateway/bot` recommends from now on.
    pub fn set_recommended_shards(&self, shards: u32) {
        self.shared
            .update(|inner| inner.gateway.recommended_shards = shards);
    }

    /// Session starts `GET /gateway/bot` shows as remaining.
    pub fn session_starts_remaining(&self) -> u32 {
        self.shared
            .read(|inner| inner.gateway.session_starts_remaining)
    }

    /// Like [`Self::close_with`], for the sockets of one shard only.
    pub fn close_shard_with(&self, shard_id: u32, code: u16) {
        self.shared.update(|inner| {
            inner
                .gateway
                .kick_shard(shard_id, || Outbound::Close(code, "Closed by the fake."));
            if matches!(code, 4007 | 4009) {
                inner.gateway.end_shard_session(shard_id);
            }
        });
    }
}
