#!/usr/bin/env bash
# Renders assets/spantag.svg into the hicolor PNG sizes (assets/icons/NxN/spantag.png) and
# the window icon (assets/icon.png, 256x256). Needs ImageMagick's `convert`. The PNGs are
# committed, so building or packaging does not need ImageMagick; run this after changing
# the SVG.
set -euo pipefail
cd "$(dirname "$0")/.."
for n in 16 24 32 48 64 128 256 512; do
    mkdir -p "assets/icons/${n}x${n}"
    # Drawn at 4x 512 px, then scaled down: smooth edges at every size.
    convert -background none -density 384 assets/spantag.svg -resize "${n}x${n}" \
        -depth 8 -strip "PNG32:assets/icons/${n}x${n}/spantag.png"
done
cp assets/icons/256x256/spantag.png assets/icon.png
