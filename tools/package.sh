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

# The same pieces as a tarball laid out like a prefix (bin/, share/...): extracted into
# ~/.local or /usr/local it puts everything where desktops and shells look.
version="$("$bin" --version | cut -d' ' -f2)"
name="spantag-$version-$(uname -m)-linux"
stage="target/pkg-assets/$name"
mkdir -p "$stage/bin" "$stage/share/applications" "$stage/share/man/man1" \
    "$stage/share/bash-completion/completions" "$stage/share/zsh/site-functions" \
    "$stage/share/fish/vendor_completions.d" "$stage/share/icons/hicolor/scalable/apps" \
    "$stage/share/doc/spantag"
cp "$bin" "$stage/bin/"
cp assets/spantag.desktop "$stage/share/applications/"
cp "$assets"/man/*.1 "$stage/share/man/man1/"
cp "$assets/completions/spantag.bash" "$stage/share/bash-completion/completions/spantag"
cp "$assets/completions/_spantag" "$stage/share/zsh/site-functions/"
cp "$assets/completions/spantag.fish" "$stage/share/fish/vendor_completions.d/"
cp assets/spantag.svg "$stage/share/icons/hicolor/scalable/apps/"
for dir in assets/icons/*x*; do
    mkdir -p "$stage/share/icons/hicolor/$(basename "$dir")/apps"
    cp "$dir/spantag.png" "$stage/share/icons/hicolor/$(basename "$dir")/apps/"
done
cp LICENSE-MIT LICENSE-APACHE docs/install.md docs/command-line.md "$stage/share/doc/spantag/"
tar -czf "$target/$name.tar.gz" -C "target/pkg-assets" "$name"
echo "package.sh: $target/$name.tar.gz" >&2

# --no-build: the binary above is the one packaged; cargo deb prints the .deb's path.
cargo deb --no-build --locked "$@" | tail -n 1
