#!/usr/bin/env python3
"""Rebuilds the chart seed files in this folder from the full Billboard CSVs.

Usage: python3 data/extract_seed.py PATH/TO/hot100.csv PATH/TO/billboard200.csv

Keeps every row whose credit is one of the exact credits listed for an act in kpop_acts.csv
(columns hot100_credits / billboard200_credits), so each K-pop run is complete, week by week.
"""
import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def credits(column):
    with open(HERE / "kpop_acts.csv", newline="", encoding="utf-8") as f:
        return {c.strip() for row in csv.DictReader(f) for c in row[column].split(" | ") if c.strip()}


def extract(source, column, target):
    wanted = credits(column)
    kept = 0
    with open(source, newline="", encoding="utf-8") as f, open(
        HERE / target, "w", newline="", encoding="utf-8"
    ) as out:
        reader = csv.reader(f)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(next(reader))
        for row in reader:
            if row[3] in wanted:
                writer.writerow(row)
                kept += 1
    print(f"{target}: {kept} rows")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    extract(sys.argv[1], "hot100_credits", "hot100-kpop.csv")
    extract(sys.argv[2], "billboard200_credits", "billboard200-kpop.csv")
