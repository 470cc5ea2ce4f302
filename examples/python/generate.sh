#!/bin/sh
# Generates the Python messages and gRPC stubs of the dlrs API from proto/ into OUT
# (default: generated/ beside this script, which git ignores).
#
#   examples/python/generate.sh [OUT]        PYTHON=... picks the interpreter (default /usr/bin/python3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
proto=$(cd "$here/../../proto" && pwd)
out=${1:-$here/generated}
python=${PYTHON:-/usr/bin/python3}
mkdir -p "$out"

# grpcio-tools from pip bundles a protoc matched to its protobuf runtime: use it when it
# can compile the API. Debian's python3-grpc-tools (1.14) bundles protoc 3.6, which
# predates proto3 `optional` (common.proto uses it); Debian's protoc (protobuf-compiler)
# with the gRPC plugin (protobuf-compiler-grpc) matches Debian's python3-protobuf instead.
if errors=$("$python" -m grpc_tools.protoc -I "$proto" --python_out="$out" --grpc_python_out="$out" "$proto"/dlrs/v1/*.proto 2>&1); then
  :
elif command -v protoc >/dev/null 2>&1 && command -v grpc_python_plugin >/dev/null 2>&1; then
  protoc -I "$proto" --python_out="$out" --grpc_python_out="$out" \
    --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" "$proto"/dlrs/v1/*.proto
else
  printf '%s\n' "$errors" >&2
  echo "generate.sh: needs grpcio-tools >= 1.32 for $python, or protoc and grpc_python_plugin" >&2
  echo "  (Debian: apt-get install python3-grpcio protobuf-compiler protobuf-compiler-grpc)" >&2
  exit 1
fi
echo "generated the dlrs.v1 Python modules in $out"
