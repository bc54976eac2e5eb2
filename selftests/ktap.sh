# SPDX-License-Identifier: GPL-2.0
#
# ktap.sh: result bookkeeping shared by run-checks and check-debug.
# Counts are of leaf tests: a kselftest case, a reader test, a host step.
# Sourced; defines passed/failed/skipped/n, step, show_log, fold_ktap,
# ktap_script and summary.
#
# Nothing unrun counts as green: a program or script that reports no
# result, fewer results than it planned, a result line its exit status
# contradicts, or a skip without a reason is a failure; inside a guest,
# where every prerequisite is provided, a skip is a failure too unless it
# is on the allowlist (selftests/skips.allow).

passed=0
failed=0
skipped=0
n=0

ktap_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

step() {	# status name [reason]: one host-level result
	n=$((n + 1))
	case $1 in
	ok) passed=$((passed + 1)); echo "ok $n $2" ;;
	skip)
		if [ -n "${3:-}" ]; then
			skipped=$((skipped + 1)); echo "ok $n $2 # SKIP $3"
		else
			failed=$((failed + 1)); echo "not ok $n $2 # a skip without a reason"
		fi ;;
	*) failed=$((failed + 1)); echo "not ok $n $2" ;;
	esac
}

# Show a failed step's log on stdout, so CI output says what went wrong.
show_log() {
	echo "# --- $1"
	sed 's/^/# /' "$1"
	echo "# ---"
}

# Whether a skip inside a guest is allowed: a line of the allowlist whose
# first field (a glob) matches the test's name and whose second (after a
# tab, a glob) matches the reason.
skip_allowed() {	# name reason
	local pat why
	while IFS=$'\t' read -r pat why _; do
		case $pat in ''|'#'*) continue ;; esac
		# shellcheck disable=SC2254 # the allowlist holds globs
		case $1 in $pat) case $2 in $why) return 0 ;; esac ;; esac
	done <"${SKIPS_ALLOW:-$ktap_dir/skips.allow}"
	return 1
}

# Fold the leaf results of a ktap-run log into the totals.  Within a
# program, each of its own result lines counts (pass, fail, skip); a
# program with none counts by ktap-run's line for it: passed without a
# result, it failed; skipped, it is a skip (with its reason).  A program
# that passed with other than the number of results it planned failed.  A program
# that failed without a failing result (a timeout, a crash) counts one
# failure; so does a log with no result at all, or one whose exit status
# (rc) says it failed though no line did.  With policy "guest", a skip not
# on the allowlist is a failure.
fold_ktap() {	# log name [rc] [policy]
	local log=$1 name=$2 rc=${3:-0} policy=${4:-host}
	local p=0 f=0 s=0 cases=0 f0=0 plan= line what reason prog=
	local bad=()
	count_skip() {	# name reason
		if [ -z "$2" ]; then
			f=$((f + 1)); bad+=("$1: skipped without a reason")
		elif [ "$policy" = guest ] && ! skip_allowed "$1" "$2"; then
			f=$((f + 1)); bad+=("$1: skipped in a guest: $2")
		else
			s=$((s + 1))
		fi
	}
	while IFS= read -r line; do
		case $line in
		"# selftests: tcpstat: "*)
			prog=${line#\# selftests: tcpstat: }; cases=0; f0=$f; plan= ;;
		"# 1.."[0-9]*)
			plan=${line#\# 1..}; plan=${plan%% *} ;;
		"# ok "[0-9]*" # SKIP"*)
			what=${line%% # SKIP*}; what=${what#\# ok * }
			reason=${line#* # SKIP}; reason=${reason# }
			cases=$((cases + 1)); count_skip "$what" "$reason" ;;
		"# not ok "[0-9]*) cases=$((cases + 1)); f=$((f + 1)) ;;
		"# ok "[0-9]*) cases=$((cases + 1)); p=$((p + 1)) ;;
		"ok "[0-9]*" selftests: tcpstat: "*" # SKIP"*)
			if [ $cases -eq 0 ]; then
				reason=${line#* # SKIP}
				count_skip "$prog" "${reason# }"
			fi
			prog= ;;
		"ok "[0-9]*" selftests: tcpstat: "*)
			if [ $cases -eq 0 ]; then
				f=$((f + 1)); bad+=("$prog: passed without a result")
			elif [ -n "$plan" ] && [ "$cases" -ne "$plan" ]; then
				f=$((f + 1)); bad+=("$prog: $cases results, planned $plan")
			fi
			prog= ;;
		"not ok "[0-9]*" selftests: tcpstat: "*)
			if [ $f -eq $f0 ]; then
				f=$((f + 1)); bad+=("$prog: ${line##*# }")
			fi
			prog= ;;
		esac
	done <"$log"
	if [ -n "$prog" ]; then
		f=$((f + 1)); bad+=("$prog: never finished")
	fi
	if [ $((p + f + s)) -eq 0 ]; then
		f=$((f + 1)); bad+=("no result at all")
	elif [ "$rc" -ne 0 ] && [ $f -eq 0 ]; then
		f=$((f + 1)); bad+=("exit $rc without a failing result")
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	n=$((n + 1))
	if [ $f -eq 0 ]; then
		echo "ok $n $name: $p passed, $f failed, $s skipped"
	else
		echo "not ok $n $name: $p passed, $f failed, $s skipped"
		[ ${#bad[@]} -eq 0 ] || printf '# %s\n' "${bad[@]}"
		show_log "$log"
	fi
}

# A host-side script's own KTAP, every result line a step: it must plan
# ("1..N") and give exactly N results, exit 0 unless a line says it failed,
# and give a reason for every skip.
ktap_script() {	# log name [rc]
	local log=$1 name=$2 rc=${3:-} line planned got=0 bad=0
	[ -n "$rc" ] || rc=$(cat "$log.rc" 2>/dev/null || echo 125)
	while IFS= read -r line; do
		case $line in
		"ok "[0-9]*" # SKIP"*)
			got=$((got + 1))
			local reason=${line#* # SKIP}
			step skip "$(echo "${line%% # SKIP*}" | cut -d' ' -f3-)" "${reason# }" ;;
		"ok "[0-9]*) got=$((got + 1)); step ok "$(echo "$line" | cut -d' ' -f3-)" ;;
		"not ok "[0-9]*) got=$((got + 1)); bad=1
			step fail "$(echo "$line" | cut -d' ' -f4-)" ;;
		esac
	done <"$log"
	planned=$(sed -n 's/^1\.\.\([0-9]*\)\( .*\)\{0,1\}$/\1/p' "$log" | awk '{ s += $1 } END { print NR ? s : -1 }')
	if [ "$planned" -lt 0 ] || [ "$got" -ne "$planned" ] || [ "$got" -eq 0 ] ||
	   { [ "$rc" -ne 0 ] && [ $bad -eq 0 ]; }; then
		step fail "$name (exit $rc, $got results, plan $planned)"
		bad=1
	fi
	[ $bad -eq 0 ] || show_log "$log"
}

summary() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
