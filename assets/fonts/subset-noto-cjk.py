#!/usr/bin/env python3
"""Rebuilds assets/fonts/NotoSansCJKkr-Subset.otf, the font the bot draws its pictures with.

The subset of Noto Sans CJK KR (SIL Open Font License 1.1, see OFL.txt) holds Latin, Greek and
Cyrillic, every Hangul syllable, both kana, the CJK and full-width punctuation, and the Han
characters (and any other character) that the message catalogues, the seed data and the
country names use. Run it again after adding text in another script:

    apt-get install fonts-noto-cjk
    pip install fonttools
    python3 assets/fonts/subset-noto-cjk.py [path/to/NotoSansCJK-Regular.ttc]

Nothing at build or test time needs these tools: the built font is committed.
"""

import glob
import os
import subprocess
import sys
import tempfile

from fontTools.ttLib import TTCollection

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FAMILY = "Noto Sans CJK KR"
OUTPUT = os.path.join(ROOT, "assets", "fonts", "NotoSansCJKkr-Subset.otf")

# Whole blocks, whatever the texts use today: Latin for titles and credits, Hangul and kana for
# anything typed in Korean or Japanese, and the punctuation around them.
RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x045F),  # Cyrillic
    (0x2000, 0x206F),  # General Punctuation
    (0x20A9, 0x20A9),  # ₩
    (0x20AC, 0x20AC),  # €
    (0x2116, 0x2116),  # №
    (0x2122, 0x2122),  # ™
    (0x2190, 0x2193),  # arrows
    (0x25A0, 0x25FF),  # Geometric Shapes (▲ ▼ ●)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0xAC00, 0xD7A3),  # Hangul Syllables
    (0xFF01, 0xFF9F),  # Full-width forms, half-width katakana
    (0xFFE0, 0xFFE6),  # Full-width signs
]

# Every character these files hold is kept (Han above all); a new data/*.csv is read too.
SCANNED = ["src/domain/i18n/*.txt", "data/*.csv", "src/domain/country.rs"]


def scanned_text():
    chars = set()
    for pattern in SCANNED:
        paths = sorted(glob.glob(os.path.join(ROOT, pattern)))
        if not paths:
            sys.exit(f"nothing matches {pattern} under {ROOT}")
        for path in paths:
            with open(path, encoding="utf-8") as f:
                chars.update(c for c in f.read() if ord(c) >= 0x80)
    return "".join(sorted(chars))


def face_number(source):
    """The index of the Korean face in the collection (Debian ships one .ttc for all five)."""
    for i, font in enumerate(TTCollection(source, lazy=True).fonts):
        if font["name"].getDebugName(1) == FAMILY:
            return i
    sys.exit(f"{source} has no face named {FAMILY!r}")


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else SOURCE
    unicodes = ",".join(f"U+{a:04X}-{b:04X}" for a, b in RANGES)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write(scanned_text())
        text_file = f.name
    try:
        subprocess.run(
            [
                "pyftsubset",
                source,
                f"--font-number={face_number(source)}",
                f"--unicodes={unicodes}",
                f"--text-file={text_file}",
                f"--output-file={OUTPUT}",
                # The pictures are laid out glyph by glyph: no shaping, no vertical metrics,
                # no hinting. Keeping every name record keeps the copyright and licence.
                "--layout-features=",
                "--drop-tables+=GSUB,GPOS,GDEF,BASE,VORG,vhea,vmtx",
                "--no-hinting",
                "--notdef-outline",
                "--name-IDs=*",
            ],
            check=True,
        )
    finally:
        os.unlink(text_file)
    print(f"{OUTPUT}: {os.path.getsize(OUTPUT):,} bytes")


if __name__ == "__main__":
    main()
