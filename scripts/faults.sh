#!/usr/bin/env bash
# make faults: kill/restart and abuse runs against the built binary
# (bin/motcua, which `make faults` builds first). Prints what each run
# tried and which checks held (format: docs/FAULTS.md); exits 1 when a
# fault did not hold. Not part of `make test`. Arguments go to the runner:
#   scripts/faults.sh -run kill9,pg-restart      # some of the runs
#   scripts/faults.sh -bin /path/to/motcua -logs ./fault-logs
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
exec go run ./cmd/motcua-faults -bin bin/motcua -scan internal/testkit/fixtures/files/sample.docx "$@"
