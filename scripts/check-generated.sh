#!/usr/bin/env bash
# Regenerates everything `make generate` writes into a scratch copy of the
# working tree and fails when the result differs from the files here: the
# committed generated code must be exactly what the generators produce.
set -euo pipefail
top=$(git rev-parse --show-toplevel)
cd "$top"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Copy the sources (tracked and untracked, not ignored) without node_modules.
git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} "$scratch"/ 2>/dev/null || true
ln -s "$top/frontend/node_modules" "$scratch/frontend/node_modules"
# The generators of `make generate`, run directly (make would reinstall
# node_modules in the scratch copy).
(
  cd "$scratch"
  (cd ent && go run -mod=mod entc.go)
  go tool gqlgen generate --config gqlgen.yml
  (cd frontend && npm run -s generate)
) >/dev/null
status=0
for path in ent graph frontend/src/gql; do
  if ! diff -r -q "$top/$path" "$scratch/$path" >/dev/null 2>&1; then
    echo "generated code in $path differs from a fresh 'make generate':"
    diff -r -q "$top/$path" "$scratch/$path" | head -20 || true
    status=1
  fi
done
[ $status -eq 0 ] && echo "generated code is up to date"
exit $status
