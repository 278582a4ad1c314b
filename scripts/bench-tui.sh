#!/usr/bin/env bash
# Builds rapport, generates two practices once (100 and 1,500 clients x 30
# sessions: 3,000 and 45,000 notes, every note finalised, one note with a
# rare word), then measures at each size: the app in a pseudo-terminal, and
# review, note and search as whole processes, with their peak memory; then
# the large practice again encrypted and unlocked (`rapport unlock`, the key
# held in the kernel's keyring). Prints medians.
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
# Measures the practice in $1: the app in a pty, then whole processes.
measure() {
  python3 scripts/bench-tui.py "$bin" "$1" "$2"
  python3 - "$bin" "$1" "$client" "$2" "$3" <<'PY'
import os, shutil, statistics, subprocess, sys, time
bin, data, client, runs, kind = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
path = f"{data}/clients/{client}.json"
kept = open(path, "rb").read() if kind == "plain" else None
def put_back():
    # In place, as the file was: each note is saved to the same record.
    # (Encrypted, the client's file is named by a keyed hash: it keeps
    # the notes, a few kilobytes more each.)
    if kept is None:
        return
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
    # Peak memory, once more under GNU time (a process forked from Python
    # would count Python's own pages too).
    if before:
        before()
    out = f"{data}/../peak.txt"
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out, bin, "--data-dir", data, *args],
                   stdout=subprocess.DEVNULL, check=True)
    peak = int(open(out).read().split()[-1])
    return f"median {statistics.median(ts):.1f} ms, peak {peak / 1024:.1f} MB"
print(f"review {client} (by id), whole process:        {run(['review', client])}")
print(f"review 'ada kaur' (by name), whole process:    {run(['review', 'ada kaur'])}")
print(f"note with fsync, whole process:               {run(['note', client, '--topic', 'bench', '--text', 'x ' * 800], put_back)}")
put_back()
subprocess.run([bin, "--data-dir", data, "doctor", "--reindex"], stdout=subprocess.DEVNULL)
print(f"search a rare word (marmalade), whole process: {run(['search', 'marmalade'])}")
print(f"search sleep diary, whole process:            {run(['search', 'sleep', 'diary'])}")
PY
}
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
  measure "$data" "${1:-15}" plain
done

# The large practice encrypted, and unlocked once (`rapport unlock`): every
# figure again, with the key held in the kernel's keyring.
plain=$(realpath "${BENCH_DIR:-target}/bench-practice-1500")
enc="$plain-encrypted"
export RAPPORT_PASSPHRASE="a passphrase for the benchmark only"
if [ ! -f "$enc/identity.age" ]; then
  rm -rf "$enc"
  cp -a "$plain" "$enc"
  "$bin" --data-dir "$enc" encrypt --yes > /dev/null
fi
"$bin" --data-dir "$enc" unlock --for 1h > /dev/null
unset RAPPORT_PASSPHRASE
"$bin" --data-dir "$enc" client list > /dev/null
echo "== 45000 notes (1500 clients), encrypted, unlocked"
measure "$enc" "${1:-15}" encrypted
"$bin" --data-dir "$enc" lock > /dev/null
