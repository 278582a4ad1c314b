#!/usr/bin/env python3
"""Measures the real rapport binary in a pseudo-terminal: start to first full
frame, keypress to redrawn frame, Ctrl-F search per keystroke, and peak
memory after browsing 20 clients and a search. Prints medians.
Usage: bench-tui.py BINARY DATA_DIR [RUNS] [--start-only]
With --start-only, only start to first full frame is measured, and its
median printed alone, in milliseconds (for scripts/bench-scale.sh)."""
import fcntl, os, pty, select, signal, statistics, struct, sys, termios, time

START_ONLY = "--start-only" in sys.argv
ARGS = [a for a in sys.argv if a != "--start-only"]
BIN, DATA = ARGS[1], ARGS[2]
RUNS = int(ARGS[3]) if len(ARGS) > 3 else 15
COLS, ROWS = 120, 40


def read_until(fd, marker, timeout=10.0):
    """Reads output until `marker` has been seen; returns when it was seen."""
    buf = b""
    end = time.perf_counter() + timeout
    while marker not in buf:
        left = end - time.perf_counter()
        if left <= 0:
            raise SystemExit(f"timed out waiting for {marker!r}; got {buf[-400:]!r}")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                raise SystemExit(f"rapport exited; last output {buf[-400:]!r}")
            buf += chunk
    return time.perf_counter()


def first_output(fd, timeout=5.0):
    """Waits for the next output and returns when its first byte arrived,
    then drains what follows it closely (the rest of the frame)."""
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        raise SystemExit("no redraw after a keypress")
    t = time.perf_counter()
    os.read(fd, 1 << 16)
    while select.select([fd], [], [], 0.02)[0]:
        os.read(fd, 1 << 16)
    return t


# The app waits this long for typing to pause before it searches.
SEARCH_DEBOUNCE_MS = 80
IDLE_FRAME = b"\x1b[39m\x1b[49m\x1b[59m\x1b[0m\x1b[?25l"


def results_after_key(fd, key):
    """Sends a key typed into the search line; returns ms from the key to
    the frame with its results: the echo of the key comes first, the
    results after the app's pause for typing."""
    t = time.perf_counter()
    os.write(fd, key)
    first_output(fd)
    while True:
        r, _, _ = select.select([fd], [], [], 5.0)
        if not r:
            raise SystemExit("no results after a keystroke")
        done = time.perf_counter()
        # A frame with nothing new (the clock's tick) is only this.
        if os.read(fd, 1 << 16) != IDLE_FRAME:
            break
    while select.select([fd], [], [], 0.02)[0]:
        os.read(fd, 1 << 16)
    return (done - t) * 1000


def drain(fd, quiet=0.15):
    while select.select([fd], [], [], quiet)[0]:
        os.read(fd, 1 << 16)


def start():
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ["RAPPORT_NOW"] = "2026-11-26 09:35"
        os.execv(BIN, [BIN, "--data-dir", DATA])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    return pid, fd, t0


def stop(pid, fd):
    os.write(fd, b"\x03")
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    os.close(fd)


def peak_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


starts, today_keys, list_keys, peaks, searches = [], [], [], [], []
for _ in range(RUNS):
    pid, fd, t0 = start()
    t1 = read_until(fd, b"Awaiting reply")
    starts.append((t1 - t0) * 1000)
    drain(fd)
    if START_ONLY:
        stop(pid, fd)
        continue
    for _ in range(3):
        t = time.perf_counter()
        os.write(fd, b"j")
        today_keys.append((first_output(fd) - t) * 1000)
    os.write(fd, b"\t")
    drain(fd)
    for _ in range(20):
        t = time.perf_counter()
        os.write(fd, b"j")
        list_keys.append((first_output(fd) - t) * 1000)
    drain(fd)
    os.write(fd, b"\x06")  # Ctrl-F
    drain(fd)
    for key in b"wedding":
        searches.append(results_after_key(fd, bytes([key])) - SEARCH_DEBOUNCE_MS)
        drain(fd)
    peaks.append(peak_kb(pid) / 1024)
    os.write(fd, b"\x1b")
    drain(fd)
    stop(pid, fd)

med = statistics.median
if START_ONLY:
    print(f"{med(starts):.1f}")
    sys.exit(0)
print(f"runs: {RUNS}, terminal {COLS}x{ROWS}, data: {DATA}")
print(f"start to first full frame (incl. process start): median {med(starts):.1f} ms  (min {min(starts):.1f}, max {max(starts):.1f})")
print(f"keypress to redrawn frame, Today list:           median {med(today_keys):.2f} ms")
print(f"keypress to redrawn frame, client list (loads the client): median {med(list_keys):.2f} ms  (p90 {sorted(list_keys)[int(len(list_keys) * 0.9)]:.2f})")
print(f"Ctrl-F, per keystroke to results (w, we, … wedding; less the {SEARCH_DEBOUNCE_MS} ms pause for typing): median {med(searches):.2f} ms  (p90 {sorted(searches)[int(len(searches) * 0.9)]:.2f})")
print(f"peak memory after browsing 20 clients and a search: median {med(peaks):.1f} MB")
