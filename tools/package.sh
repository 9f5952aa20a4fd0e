#!/usr/bin/env bash
# Builds the Debian package: the release binary, then the man pages and shell completions
# generated from it into <target>/pkg-assets/, then `cargo deb` (which reads the assets
# listed under [package.metadata.deb] in Cargo.toml). Prints the path of the .deb.
#
# Needs cargo-deb (`cargo install cargo-deb --locked`) and dpkg-dev (dpkg-shlibdeps).
# Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

# The target folder as cargo sees it (CARGO_TARGET_DIR, a config file, or ./target).
target="$(cargo metadata --format-version 1 --no-deps | grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)"
[ -n "$target" ] || { echo "package.sh: cargo metadata named no target folder" >&2; exit 2; }
command -v cargo-deb >/dev/null || {
    echo "package.sh: cargo-deb is missing: cargo install cargo-deb --locked" >&2
    exit 2
}

cargo build --release --locked --bin spantag
bin="$target/release/spantag"

# cargo-deb maps only target/release/<binary> to the real target folder; other asset paths
# are read from the source folder, so the generated files go to ./target/pkg-assets.
assets="target/pkg-assets"
rm -rf "$assets"
mkdir -p "$assets/man" "$assets/completions"
"$bin" man --dir "$assets/man"
"$bin" completions bash >"$assets/completions/spantag.bash"
"$bin" completions zsh >"$assets/completions/_spantag"
"$bin" completions fish >"$assets/completions/spantag.fish"
for f in "$assets/man/spantag.1" "$assets/completions/"*; do
    [ -s "$f" ] || { echo "package.sh: $f is empty" >&2; exit 1; }
done

# --no-build: the binary above is the one packaged; cargo deb prints the .deb's path.
cargo deb --no-build --locked "$@" | tail -n 1
