#!/usr/bin/env python3
"""Rebuilds the chart seed files in this folder from the full Billboard CSVs.

Usage: python3 data/extract_seed.py PATH/TO/hot100.csv PATH/TO/billboard200.csv

Keeps every row whose credit is one of the exact credits listed for an act in kpop_acts.csv
(columns hot100_credits / billboard200_credits), and the other weeks of those runs credited
differently (Tame Impala's "Dracula" is credited "Tame Impala & JENNIE" only in some weeks):
rows with the same title, within half a year of its K-pop weeks, whose credit shares a name with
a kept credit.
"""
import csv
import re
from datetime import date, timedelta
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def credits(column):
    with open(HERE / "kpop_acts.csv", newline="", encoding="utf-8") as f:
        return {c.strip() for row in csv.DictReader(f) for c in row[column].split(" | ") if c.strip()}


HALF_YEAR = timedelta(days=182)
SEPARATORS = re.compile(r"\s*(?:[,&+/:;]|\b(?:Featuring|featuring|Feat\.|With|with|X|x|And|and|Of|of)\b)\s*")


def names(credit):
    return {n.strip().lower() for n in SEPARATORS.split(credit) if n.strip()}


def extract(source, column, target):
    wanted = credits(column)
    with open(source, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    titles = {}
    for row in rows:
        if row[3] in wanted:
            entry = titles.setdefault(row[2], {"names": set(), "dates": []})
            entry["names"].update(names(row[3]))
            entry["dates"].append(date.fromisoformat(row[0]))

    def same_run(row):
        entry = titles.get(row[2])
        if entry is None or not names(row[3]) & entry["names"]:
            return False
        day = date.fromisoformat(row[0])
        return min(entry["dates"]) - HALF_YEAR <= day <= max(entry["dates"]) + HALF_YEAR

    kept = [r for r in rows if r[3] in wanted or same_run(r)]
    with open(HERE / target, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(kept)
    print(f"{target}: {len(kept)} rows")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    extract(sys.argv[1], "hot100_credits", "hot100-kpop.csv")
    extract(sys.argv[2], "billboard200_credits", "billboard200-kpop.csv")
