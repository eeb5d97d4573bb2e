#!/usr/bin/env bash
# Build dlpick's wheel, install it into a fresh virtual environment and run
# it from there:
#
#   scripts/wheel-check.sh
#
# 1. a throw-away build environment gets maturin (the version pinned below);
# 2. maturin builds the wheel with the `dist` cargo profile (pyproject.toml);
# 3. a second, fresh environment installs only that wheel, with no network;
# 4. its `dlpick --version` and `dlpick recommend profiles/beginner.toml`
#    must succeed, and the version line must name the knowledge base.
#
# Needs python3 (3.8+) with venv and pip, a Rust toolchain, and the package
# registries for maturin and the crates. Exits non-zero on any failure; the
# temporary folders are removed either way. PYTHON picks the interpreter;
# KEEP_WHEEL=DIR copies the wheel there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

MATURIN_VERSION=1.16.0
python=${PYTHON:-python3}

work=$(mktemp -d "${TMPDIR:-/tmp}/dlpick-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "build environment: maturin $MATURIN_VERSION"
"$python" -m venv "$work/build-env"
"$work/build-env/bin/python" -m pip install --quiet --disable-pip-version-check "maturin==$MATURIN_VERSION"

step "build the wheel (cargo profile dist)"
"$work/build-env/bin/maturin" build --profile dist --out "$work/wheels"
wheel=$(find "$work/wheels" -name 'dlpick-*.whl' | head -n 1)
[ -n "$wheel" ] || { echo "no wheel was built" >&2; exit 1; }
ls -l "$wheel"
"$work/build-env/bin/python" - "$wheel" <<'PY'
# The wheel's metadata must be complete.
import sys, zipfile, email.parser
with zipfile.ZipFile(sys.argv[1]) as z:
    names = z.namelist()
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    msg = email.parser.Parser().parsestr(z.read(meta).decode())
    scripts = [n for n in names if n.endswith(".data/scripts/dlpick")]
missing = [k for k in ("Name", "Version", "Summary", "License-Expression", "Description-Content-Type", "Requires-Python")
           if not msg.get(k)]
if missing or not msg.get_all("Classifier") or not msg.get_payload().strip():
    sys.exit(f"incomplete wheel metadata: missing {missing or 'classifiers or readme'}")
if not scripts:
    sys.exit("the wheel does not install a dlpick script")
print(f"metadata: {msg['Name']} {msg['Version']}, {msg['License-Expression']}, "
      f"{len(msg.get_all('Classifier'))} classifiers, readme {len(msg.get_payload())} characters")
PY

step "install it into a fresh environment"
"$python" -m venv "$work/run-env"
"$work/run-env/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"

step "run it from there"
dlpick="$work/run-env/bin/dlpick"
[ -x "$dlpick" ] || { echo "the environment has no bin/dlpick" >&2; exit 1; }
version=$("$dlpick" --version)
echo "$version"
case "$version" in
    "dlpick "*"knowledge base "*) ;;
    *) echo "unexpected version line: $version" >&2; exit 1 ;;
esac
# From another folder: the knowledge base is inside the binary.
(cd "$work" && "$dlpick" recommend "$root/profiles/beginner.toml" --top 3 --color never)

if [ -n "${KEEP_WHEEL:-}" ]; then
    mkdir -p "$KEEP_WHEEL" && cp "$wheel" "$KEEP_WHEEL"/ && echo "wheel kept in $KEEP_WHEEL"
fi
step "wheel check passed: $(basename "$wheel")"
