# SPDX-License-Identifier: GPL-2.0
#
# ktap.sh: result bookkeeping shared by run-checks and check-debug.
# Counts are of leaf tests: a kselftest case, a reader test, a host step.
# Sourced; defines passed/failed/skipped/n, step, show_log, fold_ktap and
# summary.

passed=0
failed=0
skipped=0
n=0

step() {	# status name [reason]: one host-level result
	n=$((n + 1))
	case $1 in
	ok) passed=$((passed + 1)); echo "ok $n $2" ;;
	skip) skipped=$((skipped + 1)); echo "ok $n $2 # SKIP $3" ;;
	*) failed=$((failed + 1)); echo "not ok $n $2" ;;
	esac
}

# Show a failed step's log on stdout, so CI output says what went wrong.
show_log() {
	echo "# --- $1"
	sed 's/^/# /' "$1"
	echo "# ---"
}

# Fold the leaf results of a ktap-run log into the totals.  A program that
# died without its harness totals (timeout, crash) counts as one failure;
# so does a run that reported no result at all, or exited non-zero (rc)
# without reporting a failure.
fold_ktap() {	# log name [rc]
	local log=$1 name=$2 rc=${3:-0} p=0 f=0 s=0 totals=0 line
	while IFS= read -r line; do
		case $line in
		"# selftests: tcpstat: "*) totals=0 ;;
		"# # Totals: pass:"*)
			set -- $(echo "$line" | sed 's/.*pass:\([0-9]*\) fail:\([0-9]*\) xfail:[0-9]* xpass:[0-9]* skip:\([0-9]*\) error:\([0-9]*\).*/\1 \2 \3 \4/')
			p=$((p + $1)); f=$((f + $2 + $4)); s=$((s + $3)); totals=1 ;;
		"not ok "*" selftests: tcpstat: "*)
			[ $totals -eq 1 ] || f=$((f + 1)) ;;
		esac
	done <"$log"
	if [ $((p + f + s)) -eq 0 ] || { [ "$rc" -ne 0 ] && [ $f -eq 0 ]; }; then
		f=$((f + 1))
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	n=$((n + 1))
	if [ $f -eq 0 ]; then
		echo "ok $n $name: $p passed, $f failed, $s skipped"
	else
		echo "not ok $n $name: $p passed, $f failed, $s skipped"
		show_log "$log"
	fi
}

summary() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
