#!/usr/bin/env bash
# Peer tools for the `peer_tools` tests (tests/interop/test_peer_tools.py), each in its own venv
# beside the checkout, because they pin dependencies synth does not share (SCALE-Sim needs
# numpy < 2.4). A tool that cannot be installed is reported and its tests skip saying why.
set -uo pipefail
cd "$(dirname "$0")/.."

make_venv() {  # make_venv PYTHON DIR PACKAGE...
  local python=$1 dir=$2; shift 2
  if [ -x "$dir/bin/python" ] && "$dir/bin/python" -m pip show -q "$1" >/dev/null 2>&1; then
    return 0
  fi
  "$python" -m venv "$dir" && "$dir/bin/pip" install -q "$@" \
    || echo "peer-tools: could not install $* into $dir; its peer_tools tests will skip"
}

make_venv python .venv-scalesim scalesim "numpy<2.4"
make_venv python .venv-zigzag zigzag-dse six  # zigzag-dse 3.9.1 imports six without declaring it
# AccelForge's dependency hwcomponents is published for Python >= 3.12 only.
if python3.12 -c "" >/dev/null 2>&1; then
  make_venv python3.12 .venv-accelforge accelforge
else
  echo "peer-tools: accelforge needs Python >= 3.12 (its dependency hwcomponents); none found, its test will skip"
fi
exit 0
