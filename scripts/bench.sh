#!/usr/bin/env bash
# make bench: motcua's benchmark suite (docs/PERFORMANCE.md). It builds cmd/motcua-bench,
# installs PostGraphile 4.14.1 (S2's peer) outside the repository, raises
# the open-file limit for S6's 10,000 WebSockets and runs the suite pinned to
# one CPU while the servers under test run on another. It prints a table and
# writes docs/PERFORMANCE.md.
#
#   make bench                     the full sizes: 10M accounts on PostgreSQL, 1M on SQLite (~40 min)
#   BENCH_QUICK=1 make bench       200k / 100k accounts and short windows (a few minutes)
#   BENCH_KEEP_DATA=1              keep the generated databases in $BENCH_DATA_DIR and reuse them next time
#   BENCH_SCENARIOS=S1,S3          run some scenarios only
#   BENCH_ARGS='--duration 30s'    more flags of motcua-bench run (motcua-bench run -h)
#   BENCH_DATA_DIR=/var/tmp/motcua-bench   where the PostgreSQL cluster and SQLite files live
#
# Needs: Go, PostgreSQL server binaries with contrib (postgresql-15), Node.js
# and npm for PostGraphile (without them S2 runs without its peer), perf for
# the CPU profiles (optional), taskset (util-linux) for pinning.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH

# S6 holds 10,000 WebSockets open: the server and the bench each need more
# than 10,000 descriptors (children inherit the limit).
ulimit -Hn 65536 2>/dev/null || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 11000 ]; then
	echo "bench: open-file limit is $(ulimit -n); S6 needs about 10,200 per process (10,000 sockets)" >&2
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
	echo "bench: PostgreSQL server binaries are missing: apt-get install postgresql-15 postgresql-contrib" >&2
	exit 1
fi

# PostGraphile, once, in a cache folder outside the repository.
cache=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/motcua-bench}
pgl=$cache/postgraphile-4.14.1
pgl_cli=$pgl/node_modules/postgraphile/cli.js
if [ ! -f "$pgl_cli" ] && command -v npm >/dev/null; then
	echo "bench: installing postgraphile@4.14.1 into $pgl" >&2
	mkdir -p "$pgl"
	(cd "$pgl" && { [ -f package.json ] || echo '{"private":true}' >package.json; } &&
		npm install --no-audit --no-fund --loglevel=error postgraphile@4.14.1 >&2) ||
		echo "bench: PostGraphile could not be installed; S2 runs without its peer" >&2
fi
[ -f "$pgl_cli" ] || pgl_cli=""

go build -o bin/motcua-bench ./cmd/motcua-bench

args=(--data-dir "${BENCH_DATA_DIR:-/var/tmp/motcua-bench}" --postgraphile "$pgl_cli")
[ "${BENCH_QUICK:-}" = 1 ] && args+=(--quick)
[ -n "${BENCH_KEEP_DATA:-}" ] && args+=(--keep-data)
[ -n "${BENCH_SCENARIOS:-}" ] && args+=(--scenarios "$BENCH_SCENARIOS")

# Servers under test on CPU 0; the load generator (and PostgreSQL) move to
# CPU 1 once the data is loaded (loading uses every CPU).
run=()
if [ "$(nproc --all)" -ge 2 ] && command -v taskset >/dev/null; then
	args+=(--server-cpus 0 --load-cpus 1)
else
	echo "bench: fewer than 2 CPUs or no taskset: nothing is pinned, figures mix server and load" >&2
	args+=(--server-cpus "" --load-cpus "")
fi
# On a shared machine other programs compete for the CPUs: as root, run the
# bench, its servers and PostgreSQL (children inherit it) at a higher
# priority; the report shows what other processes still used.
if [ "$(id -u)" = 0 ]; then
	run=(nice -n -10)
fi
# S8, single sign-on tokens per second on one core (code exchange + refresh, next to
# bare RS256 and HMAC signing): Go benchmarks through the real app on SQLite.
if [ -z "${BENCH_SCENARIOS:-}" ] || [[ ",${BENCH_SCENARIOS}," == *,S8,* ]]; then
	echo "bench: S8 single sign-on (go test -bench SSO|Sign, one CPU)" >&2
	mkdir -p "${BENCH_DATA_DIR:-/tmp}"
	"${run[@]}" go test -run='^$' -bench='^Benchmark(SSO|Sign)' -benchtime=3s -cpu=1 ./internal/app | tee "${BENCH_DATA_DIR:-/tmp}/s8.txt"
fi
# S9, the statistics page's chart queries on daily roll-ups (SQLite and PostgreSQL):
# Go benchmarks of internal/domain/stats; S9_DESKS sets the number of desks (200).
if [ -z "${BENCH_SCENARIOS:-}" ] || [[ ",${BENCH_SCENARIOS}," == *,S9,* ]]; then
	echo "bench: S9 statistics charts (go test -bench S9)" >&2
	mkdir -p "${BENCH_DATA_DIR:-/tmp}"
	"${run[@]}" go test -run='^$' -bench='^BenchmarkS9' -benchtime=40x -timeout=30m ./internal/domain/stats | tee "${BENCH_DATA_DIR:-/tmp}/s9.txt"
fi
# shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
exec "${run[@]}" ./bin/motcua-bench run "${args[@]}" ${BENCH_ARGS:-}
