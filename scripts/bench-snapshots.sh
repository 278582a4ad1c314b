#!/usr/bin/env bash
# What the daily snapshot costs: the day's first save (a `rapport note` on a
# new day, which takes the day's snapshot first) against an ordinary save
# (the day's second and third notes), and the disk that 14 daily snapshots
# take, with three notes a day. On a generated practice of 1,500 clients x
# 30 sessions (45,000 notes), in a temporary folder under /tmp, removed at
# the end. Automatic finalising is turned off in the copy measured, so the
# first save of a day pays for the snapshot only.
# Usage: scripts/bench-snapshots.sh [DAYS]   (default 14)
# RAPPORT_BIN=path measures another build (an older release, say); CLIENTS
# and SESSIONS change the practice's size.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RAPPORT_BIN:-}" ]; then
  cargo build --release -q
fi
bin="$(realpath "${RAPPORT_BIN:-${CARGO_TARGET_DIR:-target}/release/rapport}")"
days="${1:-14}"
work="$(mktemp -d /tmp/rapport-bench-snapshots.XXXXXX)"
trap 'rm -rf "$work"' EXIT
data="$work/practice"
"$bin" demo generate --clients "${CLIENTS:-1500}" --sessions "${SESSIONS:-30}" --out "$data" >/dev/null
echo '{"finalise_after_hours": null}' >"$data/config.json"
# The index built once, as a practice in use has it.
"$bin" --data-dir "$data" doctor --reindex >/dev/null || true
# The files settle for over a second before the first snapshot, as a
# practice's files do between two days.
sleep 2
RAPPORT_NOW="2026-11-01 08:00" "$bin" --data-dir "$data" backup >/dev/null
sleep 2
python3 - "$bin" "$data" "$days" <<'PY'
import datetime, os, statistics, subprocess, sys, time
bin, data, days = sys.argv[1], sys.argv[2], int(sys.argv[3])
clients = sorted(f[:-5] for f in os.listdir(f"{data}/clients") if f.endswith(".json"))
def note(now, client):
    env = dict(os.environ, RAPPORT_NOW=now)
    t = time.perf_counter()
    subprocess.run([bin, "--data-dir", data, "note", client, "--topic", "bench", "--text", "a few words " * 40],
                   env=env, stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - t) * 1000
def du(path):
    return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True, check=True).stdout.split()[0])
first, ordinary, pruning = [], [], []
def kept():
    return sum(1 for n in os.listdir(f"{data}/backups") if n.startswith("20"))
start = datetime.date(2026, 11, 2)
for d in range(days):
    day = start + datetime.timedelta(days=d)
    picked = [clients[(d * 7 + k * 101) % len(clients)] for k in range(3)]
    full = kept() >= 14
    first.append(note(f"{day} 09:00", picked[0]))
    if full:
        pruning.append(first[-1])
    ordinary.append(note(f"{day} 10:00", picked[1]))
    ordinary.append(note(f"{day} 11:00", picked[2]))
    # A second between days, so a day's saves are over a second older than
    # the next day's snapshot (as they are in a real day).
    time.sleep(1.1)
f, o = statistics.median(first), statistics.median(ordinary)
print(f"day's first save (takes the snapshot): median {f:.1f} ms (min {min(first):.1f}, max {max(first):.1f}), {days} days")
print(f"ordinary save:                         median {o:.1f} ms (min {min(ordinary):.1f}, max {max(ordinary):.1f})")
print(f"the snapshot's cost:                   {f - o:.1f} ms")
if pruning:
    print(f"  of which days that also prune the oldest of 14 (and its objects): median "
          f"{statistics.median(pruning):.1f} ms over {len(pruning)} days")
practice, backups = du(f"{data}/clients"), du(f"{data}/backups")
snaps = sorted(n for n in os.listdir(f"{data}/backups") if n.startswith("20"))
print(f"client files: {practice / 1e6:.1f} MB; {len(snaps)} snapshots kept: {backups / 1e6:.1f} MB "
      f"({backups / practice:.2f}x the practice)")
PY
