#!/usr/bin/env bash
# Builds rapport, generates two practices once (100 and 1,500 clients x 30
# sessions: 3,000 and 45,000 notes, every note finalised, one note with a
# rare word), then measures at each size: the app in a pseudo-terminal, and
# review, note and search as whole processes. Prints medians.
# Usage: scripts/bench-tui.sh [RUNS]
# RAPPORT_BIN=path measures another build (say, an older release) and
# BENCH_DIR=dir keeps its practices apart (its index may differ).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RAPPORT_BIN:-}" ]; then
  cargo build --release -q
fi
bin="${RAPPORT_BIN:-${CARGO_TARGET_DIR:-target}/release/rapport}"
export RAPPORT_NOW="2026-11-26 09:35"
client=ada-kaur-00050
for n in 100 1500; do
  data=${BENCH_DIR:-target}/bench-practice-$n
  if [ ! -f "$data/ledger" ]; then
    rm -rf "$data"
    "$bin" demo generate --clients "$n" --sessions 30 --out "$data" --seed 1 > /dev/null
    # A change to each client seals the notes whose editing period ran out.
    for file in "$data"/clients/*.json; do
      "$bin" --data-dir "$data" finalise "$(basename "$file" .json)" > /dev/null
    done
    "$bin" --data-dir "$data" note "$client" --topic marmalade > /dev/null
  fi
  # A warm index and page cache, as on a laptop used every day.
  "$bin" --data-dir "$data" client list > /dev/null
  echo "== $((n * 30)) notes ($n clients)"
  python3 scripts/bench-tui.py "$bin" "$data" "${1:-15}"
  python3 - "$bin" "$data" "$client" "${1:-15}" <<'PY'
import os, shutil, statistics, subprocess, sys, time
bin, data, client, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
path = f"{data}/clients/{client}.json"
kept = open(path, "rb").read()
def put_back():
    # In place, as the file was: each note is saved to the same record.
    with open(path, "r+b") as f:
        f.write(kept)
        f.truncate()
def run(args, before=None):
    ts = []
    for _ in range(max(runs, 20)):
        if before:
            before()
        t = time.perf_counter()
        subprocess.run([bin, "--data-dir", data, *args], stdout=subprocess.DEVNULL, check=True)
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts)
print(f"review {client} (by id), whole process:        median {run(['review', client]):.1f} ms")
print(f"review 'ada kaur' (by name), whole process:    median {run(['review', 'ada kaur']):.1f} ms")
print(f"note with fsync, whole process:               median {run(['note', client, '--topic', 'bench', '--text', 'x ' * 800], put_back):.1f} ms")
put_back()
subprocess.run([bin, "--data-dir", data, "doctor", "--reindex"], stdout=subprocess.DEVNULL)
print(f"search a rare word (marmalade), whole process: median {run(['search', 'marmalade']):.1f} ms")
print(f"search sleep diary, whole process:            median {run(['search', 'sleep', 'diary']):.1f} ms")
PY
done
