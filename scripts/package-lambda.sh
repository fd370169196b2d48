#!/usr/bin/env bash
# Makes dist/oceandash-lambda.zip for the Lambda functions (runtime provided.al2023):
#   bootstrap            infra/lambda/bootstrap: starts bin/oceandash lambda through lib/'s loader
#   bin/oceandash        the server binary, stripped
#   lib/                 every shared library it loads (as ldd resolves them) and the loader
#   config/              the shipped locations and sources (the functions' working directory)
# Prints the zip's size. Extra arguments go to scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${OCEAN_BUILD_DIR:-build}
OUT=${OCEAN_LAMBDA_ZIP:-dist/oceandash-lambda.zip}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v zip >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zip >/dev/null
fi

scripts/build.sh --target oceandash "$@" >/dev/null
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib" "$stage/config"
strip --strip-all -o "$stage/bin/oceandash" "$BUILD_DIR/oceandash"
cp infra/lambda/bootstrap "$stage/bootstrap"
cp config/locations.json config/sources.json "$stage/config/"

# "libfoo.so.1 => /lib/x86_64-linux-gnu/libfoo.so.1 (0x...)" and the loader's own line.
loader=""
while read -r line; do
  case "$line" in
    *"=> not found"*)
      echo "package-lambda.sh: $line" >&2
      exit 1
      ;;
    *"=> /"*) cp -L "$(echo "$line" | awk '{print $3}')" "$stage/lib/" ;;
    /*ld-linux*) loader=$(echo "$line" | awk '{print $1}') ;;
  esac
done < <(ldd "$BUILD_DIR/oceandash")
if [ -z "$loader" ]; then
  echo "package-lambda.sh: ldd named no dynamic loader for $BUILD_DIR/oceandash" >&2
  exit 1
fi
cp -L "$loader" "$stage/lib/ld-linux-x86-64.so.2"
chmod 755 "$stage/lib/"*.so* "$stage/bin/oceandash" "$stage/bootstrap"

mkdir -p "$(dirname "$OUT")"
rm -f "$OUT"
(cd "$stage" && zip -q -r -X "$OLDPWD/$OUT" bootstrap bin lib config)
echo "package-lambda.sh: $OUT $(stat -c %s "$OUT") bytes ($(find "$stage/lib" -type f | wc -l) files in lib/)"
