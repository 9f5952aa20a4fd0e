#!/usr/bin/env bash
# Settling after open, black-box: for each generator (`spantag synth --kind synth|prose|
# random-cuts`) and size (10 kB / 10 spans, 1 MB / 10k, 10 MB / 100k), run the release app
# under Xvfb on the document and
#   - the first frame with text (a run with SPANTAG_EXIT_AFTER_FIRST_FRAME, as first_frame.sh),
#   - time to idle: the wall time from start until the process's CPU time (utime + stime in
#     /proc/PID/stat, sampled every 50 ms) last grew, once it has not grown for IDLE_S
#     seconds; with the CPU seconds used by then,
#   - peak RSS after idle (VmHWM in /proc/PID/status).
# Prints one row per run and a summary with the ratios the issue sets (10 MB vs 10 kB time
# to idle ≤ 2× per generator; peak RSS at 10 MB ≤ 210 MB).
#
#   cargo build --release && bash benches/settle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/spantag}
RUNS=${RUNS:-3}
IDLE_S=${IDLE_S:-1.5}
KINDS=${KINDS:-synth prose random-cuts}
dir=$(mktemp -d)
trap 'rm -rf "$dir"; [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true' EXIT
sizes="small:10000:10 mid:1000000:10000 big:10000000:100000"
for kind in $KINDS; do
    for s in $sizes; do
        IFS=: read -r name bytes spans <<<"$s"
        "$BIN" synth --kind "$kind" --bytes "$bytes" --spans "$spans" \
            --out "$dir/$kind-$name" --annotator bench >/dev/null 2>&1
    done
done
if [ -z "${DISPLAY:-}" ]; then
    export DISPLAY=:97
    # Twice the window: the pointer starts at the screen's centre, outside the window, so no
    # tooltip animates under it (a user's pointer rests anywhere; it is not what is measured).
    Xvfb "$DISPLAY" -screen 0 2800x1800x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
    sleep 1
fi
tick=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo -1; }
settle() { # document -> "idle_s cpu_s hwm_mb"
    SPANTAG_CONFIG_DIR="$dir/config-$RANDOM$RANDOM" "$BIN" --annotator bench "$1" \
        >/dev/null 2>&1 & local pid=$!
    local start last_change now cpu prev=-1 quiet
    start=$(date +%s.%N)
    last_change=$start
    while :; do
        sleep 0.05
        now=$(date +%s.%N)
        cpu=$(cpu_ticks "$pid")
        [ "$cpu" = -1 ] && break
        if [ "$cpu" != "$prev" ]; then
            prev=$cpu
            last_change=$now
        fi
        quiet=$(echo "$now - $last_change > $IDLE_S" | bc -l)
        [ "$quiet" = 1 ] && break
    done
    local hwm
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "$(echo "$last_change - $start" | bc -l) $(echo "$prev / $tick" | bc -l) $(echo "$hwm / 1024" | bc -l)"
}
first_frame() {
    SPANTAG_CONFIG_DIR="$dir/config-$RANDOM$RANDOM" SPANTAG_EXIT_AFTER_FIRST_FRAME=1 \
        "$BIN" --annotator bench "$1" 2>&1 >/dev/null |
        grep -o 'first frame with text: [0-9.]*' | grep -o '[0-9.]*$' || echo nan
}
for i in $(seq "$RUNS"); do
    for kind in $KINDS; do
        for s in $sizes; do
            IFS=: read -r name _ _ <<<"$s"
            doc="$dir/$kind-$name/doc-00000.txt"
            ff=$(first_frame "$doc")
            read -r idle cpu hwm <<<"$(settle "$doc")"
            echo "$kind $name $ff $idle $cpu $hwm" | tee -a "$dir/results"
        done
    done
done
python3 - "$dir/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def col(kind, size, i):
    return [float(r[i]) for r in rows if r[0] == kind and r[1] == size and r[i] != "nan"]
print("| generator | size | first frame (median) | time to idle (median) | CPU by then | peak RSS after idle |")
print("|---|---|---|---|---|---|")
kinds = sorted({r[0] for r in rows}, key=["synth", "prose", "random-cuts"].index)
for kind in kinds:
    for size, label in (("small", "10 kB / 10"), ("mid", "1 MB / 10k"), ("big", "10 MB / 100k")):
        m = lambda i: statistics.median(col(kind, size, i))
        print(f"| {kind} | {label} | {m(2):.0f} ms | {m(3):.2f} s | {m(4):.2f} s | {m(5):.0f} MB |")
for kind in kinds:
    big, small = statistics.median(col(kind, "big", 3)), statistics.median(col(kind, "small", 3))
    rss = statistics.median(col(kind, "big", 5))
    print(f"{kind}: time to idle 10 MB / 10 kB = {big / small:.2f}x (target <= 2), peak RSS 10 MB {rss:.0f} MB (target <= 210)")
PY
