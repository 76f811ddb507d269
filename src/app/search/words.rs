//! Every word start of every folded title, sorted by the text from there on: each title word
//! is a binary-search entry point for prefix matches.

use super::songs::Songs;

#[derive(Clone, Copy)]
pub(super) struct Word {
    /// The first eight bytes from the word start, big-endian, zero-padded: sorts like the text
    /// and settles most comparisons without touching the titles.
    head: u64,
    pub(super) song: u32,
    pub(super) offset: u16,
}

impl Word {
    fn new(fold: &str, song: u32, offset: u16) -> Word {
        let mut head = [0u8; 8];
        let rest = &fold.as_bytes()[usize::from(offset)..];
        let n = rest.len().min(8);
        head[..n].copy_from_slice(&rest[..n]);
        Word {
            head: u64::from_be_bytes(head),
            song,
            offset,
        }
    }

    pub(super) fn suffix<'a>(&self, songs: &'a Songs) -> &'a str {
        &songs.fold(self.song)[usize::from(self.offset)..]
    }
}

pub(super) struct Words(Vec<Word>);

impl Words {
    pub(super) fn build(songs: &Songs) -> Words {
        let mut words = Vec::new();
        for i in 0..songs.len() as u32 {
            let fold = songs.fold(i);
            let mut at = 0;
            for w in fold.split(' ') {
                if let Ok(offset) = u16::try_from(at) {
                    words.push(Word::new(fold, i, offset));
                }
                at += w.len() + 1;
            }
        }
        words.sort_unstable_by(|a, b| {
            a.head
                .cmp(&b.head)
                .then_with(|| a.suffix(songs).cmp(b.suffix(songs)))
        });
        words.shrink_to_fit();
        Words(words)
    }

    /// The words whose text starts with `q`.
    pub(super) fn starting_with(&self, songs: &Songs, q: &str) -> &[Word] {
        let start = self.0.partition_point(|w| w.suffix(songs) < q);
        let end = start + self.0[start..].partition_point(|w| w.suffix(songs).starts_with(q));
        &self.0[start..end]
    }

    /// Every distinct prefix of `len` bytes that starts at least `min` words.
    pub(super) fn crowded_prefixes(&self, songs: &Songs, len: usize, min: usize) -> Vec<String> {
        let head = |w: &Word| {
            let s = w.suffix(songs).as_bytes();
            &s[..s.len().min(len)]
        };
        let mut out = Vec::new();
        for group in self.0.chunk_by(|a, b| head(a) == head(b)) {
            let h = head(&group[0]);
            if group.len() >= min
                && h.len() == len
                && let Ok(p) = std::str::from_utf8(h)
            {
                out.push(p.to_string());
            }
        }
        out
    }
}
