#!/usr/bin/env bash
# Start-up and memory: time from process start to the first frame with document text on
# screen, and peak resident memory, for the 10 kB / 10-span and the 10 MB / 100k-span
# documents, alternating runs. Needs Xvfb (or a desktop) and GNU time.
#
#   cargo build --release && bash benches/first_frame.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/spantag}
RUNS=${RUNS:-10}
dir=$(mktemp -d)
trap 'rm -rf "$dir"; [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true' EXIT
"$BIN" synth --bytes 10000 --spans 10 --out "$dir/small" --annotator bench
"$BIN" synth --bytes 10000000 --spans 100000 --out "$dir/big" --annotator bench
# A corpus of 10,000 documents of 2 kB, half of them annotated, and one such document alone.
"$BIN" synth --bytes 2000 --spans 5 --docs 10000 --out "$dir/corpus" --annotator bench
for f in "$dir"/corpus/doc-*[13579].txt.bench.ron; do rm "$f"; done
mkdir -p "$dir/one" && cp "$dir/corpus/doc-00001.txt" "$dir/one/"
if [ -z "${DISPLAY:-}" ]; then
    export DISPLAY=:77
    Xvfb "$DISPLAY" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
    sleep 1
fi
export SPANTAG_CONFIG_DIR="$dir/config" SPANTAG_EXIT_AFTER_FIRST_FRAME=1
target() {
    case "$1" in
        small | big) echo "$dir/$1/doc-00000.txt" ;;
        one) echo "$dir/one/doc-00001.txt" ;;
        corpus) echo "$dir/corpus" ;;
    esac
}
for i in $(seq "$RUNS"); do
    for size in small big one corpus; do
        # A fresh settings folder for the corpus: no "last document" remembered.
        export SPANTAG_CONFIG_DIR="$dir/config-$size-$i"
        /usr/bin/time -f "rss_kb %M wall_s %e" -o "$dir/time" \
            "$BIN" --annotator bench "$(target "$size")" 2> "$dir/err" || true
        ms=$(grep -o 'first frame with text: [0-9.]*' "$dir/err" | grep -o '[0-9.]*$' || echo nan)
        echo "$size $ms $(cat "$dir/time")" >> "$dir/results"
    done
done
# Read, decode and index alone, next to `wc -m` on the same file.
python3 - "$dir/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def col(size, i):
    return [float(r[i]) for r in rows if r[0] == size and r[i] != "nan"]
for size in ("small", "big", "one", "corpus"):
    ff, rss = col(size, 1), col(size, 3)
    print(f"{size}: first frame with text median {statistics.median(ff):.0f} ms (max {max(ff):.0f}), peak RSS median {statistics.median(rss)/1024:.0f} MB")
print(f"ratio big/small first frame (median): {statistics.median(col('big',1))/statistics.median(col('small',1)):.2f}x (must be <= 2)")
print(f"ratio corpus of 10,000 documents / one document, first frame (median): {statistics.median(col('corpus',1))/statistics.median(col('one',1)):.2f}x (must be <= 2)")
print(f"peak RSS big: {statistics.median(col('big',3))/1024:.0f} MB (must be < 6 x 10 MB + 150 MB = 210 MB)")
PY
