#!/usr/bin/env bash
# What a command costs as the practice grows to ten lifetimes: generated
# practices of 100, 1,500 and 15,000 clients x 30 sessions (3,000, 45,000
# and 450,000 notes, every note finalised, one note with a rare word), each
# also encrypted and unlocked (`rapport unlock`, the key held in the
# kernel's keyring). Measures whole processes of the release build and
# prints a table of medians: `review CLIENT`, `note` (one new note),
# `search RAREWORD`, `client list`, the app's first full frame in a pty
# (scripts/bench-tui.py --start-only) and each command's peak memory (GNU
# time's maximum resident size).
# Usage: scripts/bench-scale.sh [CLIENTS...]   (default: 100 1500 15000)
#   scripts/bench-scale.sh 100 1500   is a quicker run without 450,000 notes.
# RUNS (default 15) runs per figure; PLAIN_ONLY=1 skips the encrypted copies;
# RAPPORT_BIN=path measures another build; BENCH_DIR (default
# /tmp/rapport-scale) keeps the practices between runs: generating and
# finalising 450,000 notes takes about ten minutes, encrypting them as long.
# Remove BENCH_DIR when done.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RAPPORT_BIN:-}" ]; then
  flock /tmp/rapport-cargo.lock cargo build --release -q
fi
bin=$(realpath "${RAPPORT_BIN:-${CARGO_TARGET_DIR:-target}/release/rapport}")
dir=${BENCH_DIR:-/tmp/rapport-scale}
runs=${RUNS:-15}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1500 15000)
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed for peak memory" >&2; exit 1; }
export RAPPORT_NOW="2026-11-26 09:35"
client=ada-kaur-00050
word=marmalade
passphrase="a passphrase for the benchmark only"
mkdir -p "$dir"

# Generates the practice of $1 clients into $2, once.
generate() {
  local n=$1 data=$2
  [ -f "$data/.bench-ready" ] && return
  rm -rf "$data"
  echo "generating $((n * 30)) notes into $data…" >&2
  "$bin" demo generate --clients "$n" --sessions 30 --out "$data" --seed 1 > /dev/null
  # A change to each client seals the notes whose editing period ran out.
  for file in "$data"/clients/*.json; do
    "$bin" --data-dir "$data" finalise "$(basename "$file" .json)" > /dev/null
  done
  "$bin" --data-dir "$data" note "$client" --topic "$word" > /dev/null
  touch "$data/.bench-ready"
}

# The encrypted copy of plain practice $1 in $2, once.
encrypted_copy() {
  local plain=$1 enc=$2
  if [ ! -f "$enc/.bench-ready" ]; then
    rm -rf "$enc"
    echo "encrypting a copy into $enc…" >&2
    cp -a "$plain" "$enc"
    rm -f "$enc/.bench-ready"
    RAPPORT_PASSPHRASE="$passphrase" "$bin" --data-dir "$enc" encrypt --yes > /dev/null
    touch "$enc/.bench-ready"
  fi
  RAPPORT_PASSPHRASE="$passphrase" "$bin" --data-dir "$enc" unlock --for 1h > /dev/null
}

# Measures practice $1 (plain or encrypted: $2) and prints one line a
# figure: `name<TAB>median ms<TAB>peak MB`.
measure() {
  local data=$1 kind=$2
  # A warm index and page cache, as on a laptop used every day; the first
  # command after an upgrade rebuilds the index.
  "$bin" --data-dir "$data" client list > /dev/null
  "$bin" --data-dir "$data" search "$word" > /dev/null
  python3 - "$bin" "$data" "$client" "$runs" "$kind" "$word" <<'PY'
import os, shutil, statistics, subprocess, sys, tempfile, time
bin, data, client, runs, kind, word = sys.argv[1:7]
runs = int(runs)
clients = f"{data}/clients"
# Each note is saved to the same record, put back as it was after each
# run, in place. Encrypted, the client's file is named by a keyed hash:
# it is the one whose inode a note changes (a save renames a new file into
# place), found against hard links to every file taken before.
kept = f"{data}.bench-kept"
shutil.rmtree(kept, ignore_errors=True)
os.mkdir(kept)
for name in os.listdir(clients):
    os.link(f"{clients}/{name}", f"{kept}/{name}")
path = f"{clients}/{client}.json" if kind == "plain" else None
def put_back():
    global path
    if path is None:
        changed = [n for n in os.listdir(clients)
                   if not os.path.exists(f"{kept}/{n}") or not os.path.samefile(f"{clients}/{n}", f"{kept}/{n}")]
        if not changed:
            return
        assert len(changed) == 1, changed
        path = f"{clients}/{changed[0]}"
    original = open(f"{kept}/{os.path.basename(path)}", "rb").read()
    with open(path, "r+b") as f:
        f.write(original)
        f.truncate()
def run(name, args, before=None):
    ts = []
    for _ in range(runs):
        if before:
            before()
        t = time.perf_counter()
        subprocess.run([bin, "--data-dir", data, *args], stdout=subprocess.DEVNULL, check=True)
        ts.append((time.perf_counter() - t) * 1000)
    # Peak memory, once more under GNU time (a process forked from Python
    # would count Python's own pages too).
    if before:
        before()
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, bin, "--data-dir", data, *args],
                       stdout=subprocess.DEVNULL, check=True)
        peak = int(out.read().split()[-1])
    print(f"{name}\t{statistics.median(ts):.1f}\t{peak / 1024:.1f}", flush=True)
run("review CLIENT", ["review", client])
run("note (one new note)", ["note", client, "--topic", "bench", "--text", "x " * 800], put_back)
put_back()
shutil.rmtree(kept)
# The client's file changed in place behind the index's back: rebuild it.
subprocess.run([bin, "--data-dir", data, "doctor", "--reindex"], stdout=subprocess.DEVNULL)
run(f"search {word}", ["search", word])
run("client list", ["client", "list"])
PY
  printf 'first frame (pty)\t%s\t-\n' "$(python3 scripts/bench-tui.py "$bin" "$data" "$runs" --start-only)"
}

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for n in "${sizes[@]}"; do
  plain="$dir/p$n"
  generate "$n" "$plain"
  echo "measuring $((n * 30)) notes…" >&2
  measure "$plain" plain | sed "s/^/$((n * 30))\tplain\t/" >> "$results"
  if [ -z "${PLAIN_ONLY:-}" ]; then
    enc="$plain-encrypted"
    encrypted_copy "$plain" "$enc"
    echo "measuring $((n * 30)) notes, encrypted…" >&2
    measure "$enc" encrypted | sed "s/^/$((n * 30))\tencrypted\t/" >> "$results"
    "$bin" --data-dir "$enc" lock > /dev/null
  fi
done

echo "# $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), Linux $(uname -r); $runs runs, medians; $(date -u +%F)"
python3 - "$results" <<'PY'
import sys
rows, cols = {}, []
for line in open(sys.argv[1]):
    notes, kind, name, ms, peak = line.rstrip("\n").split("\t")
    col = f"{int(notes):,} notes" + (", encrypted" if kind == "encrypted" else "")
    if col not in cols:
        cols.append(col)
    cell = f"{ms} ms" + (f", {peak} MB" if peak != "-" else "")
    rows.setdefault(name, {})[col] = cell
print("| What | " + " | ".join(cols) + " |")
print("| --- " * (len(cols) + 1) + "|")
for name, cells in rows.items():
    print(f"| {name} | " + " | ".join(cells.get(c, "") for c in cols) + " |")
PY
