#!/usr/bin/env bash
# Builds rapport, generates a 1,500-client x 30-session practice once, and
# measures the app in a pseudo-terminal. Usage: scripts/bench-tui.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
data=target/bench-practice
if [ ! -d "$data/clients" ]; then
  RAPPORT_NOW="2026-11-26 09:35" target/release/rapport demo generate --clients 1500 --sessions 30 --out "$data" --seed 1
fi
# A warm index and page cache, as on a laptop used every day.
target/release/rapport --data-dir "$data" client list > /dev/null
python3 scripts/bench-tui.py target/release/rapport "$data" "${1:-15}"
echo
echo "review (whole process):"
for i in 1 2 3; do target/release/rapport --data-dir "$data" review ada > /dev/null 2>&1 || true; done
python3 - "$data" <<'PY'
import statistics, subprocess, sys, time
data = sys.argv[1]
def run(args):
    ts = []
    for _ in range(30):
        t = time.perf_counter()
        subprocess.run(["target/release/rapport", "--data-dir", data, *args], stdout=subprocess.DEVNULL, check=True)
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts)
first = subprocess.run(["target/release/rapport", "--data-dir", data, "client", "list"], capture_output=True, text=True).stdout.split()[0]
print(f"rapport review {first}: median {run(['review', first]):.1f} ms")
print(f"rapport search sleep diary: median {run(['search', 'sleep', 'diary']):.1f} ms")
PY
