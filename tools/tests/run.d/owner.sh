# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Who owns a network namespace (src/owner.c), through its test driver
# tests/lib/owner_dump on the host roots of fixtures/hostroot/: CASE/ is
# the root, CASE.args the pid groups, CASE.expected the lines it must print.
# fixtures/hostroot/make-fixtures.py writes the roots; doc/owners.md says
# what each layout is and where it comes from.  Sourced by tests/run.

OWNER_DUMP=${OWNER_DUMP:-$tools/tests/lib/owner_dump}
OWNER_FX=$fx/hostroot

need_owner_dump()
{
	[[ -x $OWNER_DUMP ]] ||
		fail "no $OWNER_DUMP: make -C tools tests/lib/owner_dump"
}

# owner_dump ARGS...: stdout in $W/out, stderr in $W/err, status in rc.
owner_dump()
{
	timeout -k 5 $WATCHDOG "$OWNER_DUMP" "$@" > "$W/out" 2> "$W/err" < /dev/null
	rc=$?
}

t_owner_case()
{
	local case=$1 args

	need_owner_dump
	read -r -a args < "$OWNER_FX/$case.args"
	owner_dump "$OWNER_FX/$case" "${args[@]}"
	expect_ok "$OWNER_FX/$case.expected"
}

# The comparison sees a change: a name changed on disk changes its line.
t_owner_mutation()
{
	local args

	need_owner_dump
	cp -a "$OWNER_FX/docker" "$W/root"
	read -r -a args < "$OWNER_FX/docker.args"
	sed -i 's|"Name": "/db"|"Name": "/database"|' \
		"$W/root"/var/lib/docker/containers/*/config.v2.json
	owner_dump "$W/root" "${args[@]}"
	expect_rc 0
	diff "$OWNER_FX/docker.expected" "$W/out" > "$W/diff"
	[[ $(grep -c '^[<>]' "$W/diff") == 2 ]] && grep -q '^> 403: .* name=database$' "$W/diff" ||
		{ cat "$W/diff"; fail "the changed name is not the one line that changed"; }
}

# HOSTROOT with trailing slashes, and relative, reads the same files.
t_owner_root_spelling()
{
	local args

	need_owner_dump
	read -r -a args < "$OWNER_FX/podman.args"
	owner_dump "$OWNER_FX/podman//" "${args[@]}"
	expect_ok "$OWNER_FX/podman.expected"
	(cd "$OWNER_FX" && "$OWNER_DUMP" podman "${args[@]}") > "$W/out2" ||
		fail "relative root: exit status $?"
	expect_file "$OWNER_FX/podman.expected" "$W/out2"
}

t_owner_usage()
{
	need_owner_dump
	owner_dump "$OWNER_FX/services" 901,x
	expect_error 2 "owner_dump: '901,x' is not a list of pids"
	owner_dump "$OWNER_FX/services" 0
	expect_error 2 "owner_dump: '0' is not a list of pids"
	owner_dump
	expect_rc 2
}

# make_pods ROOT N CONTAINERS: N pods of the systemd driver in ROOT, each
# with a sandbox and CONTAINERS containers (pids 10000 + 100 * pod + k), as
# the kubelet and containerd lay them out.  Prints the pid groups.
make_pods()
{
	python3 - "$@" <<'EOF'
import hashlib, os, sys, uuid
root, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
groups = []
for p in range(n):
    uid = str(uuid.uuid5(uuid.NAMESPACE_DNS, "pod%d" % p))
    sl = ("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%s.slice"
          % uid.replace("-", "_"))
    ns, name = "ns%d" % (p % 7), "pod-%d" % p
    d = "%s/var/log/pods/%s_%s_%s" % (root, ns, name, uid)
    pids = []
    for k in range(m + 1):
        cid = hashlib.sha256(b"%d/%d" % (p, k)).hexdigest()
        pid = 10000 + 100 * p + k
        pids.append(str(pid))
        os.makedirs("%s/proc/%d" % (root, pid))
        with open("%s/proc/%d/cgroup" % (root, pid), "w") as f:
            f.write("0::%s/cri-containerd-%s.scope\n" % (sl, cid))
        if k == 0:
            continue    # the sandbox: no log
        c = "c%02d" % k
        os.makedirs("%s/%s" % (d, c))
        open("%s/%s/0.log" % (d, c), "w").close()
        os.makedirs("%s/var/log/containers" % root, exist_ok=True)
        os.symlink("/var/log/pods/%s_%s_%s/%s/0.log" % (ns, name, uid, c),
                   "%s/var/log/containers/%s_%s_%s-%s.log" % (root, name, ns, c, cid))
    groups.append(",".join(pids))
print(" ".join(groups))
EOF
}

# 100 namespaces: each pod found, and /var/log/pods and /var/log/containers
# listed once per reading (and each pod's own directory once), whatever
# the number of pods; owner_ctx_reset makes the next reading list again.
t_owner_many_pods()
{
	local groups start ms

	need_owner_dump
	need python3
	groups=$(make_pods "$W/root" 100 2) || fail "make_pods"
	start=$(date +%s%N)
	owner_dump --stats "$W/root" $groups
	ms=$((($(date +%s%N) - start) / 1000000))
	expect_rc 0
	expect_empty err
	echo "100 namespaces, 300 pids: ${ms} ms (sanitized build)"
	[[ $(grep -c ': kind=pod namespace=ns[0-6] pod=pod-[0-9]* uid=[-0-9a-f]* containers=c01:[0-9a-f]\{64\}:containerd,c02:[0-9a-f]\{64\}:containerd$' "$W/out") == 100 ]] ||
		{ head -3 "$W/out"; fail "not 100 pods with their two containers"; }
	grep -q '^10000,10001,10002: .* pod=pod-0 ' "$W/out" || fail "pod-0 is not the first"
	expect_text "stats: cgroup_files=300 dir_lists=102 state_files=0 stats=0" \
		<(tail -n 1 "$W/out")
	owner_dump --stats --twice "$W/root" $groups
	expect_rc 0
	expect_text "stats: cgroup_files=600 dir_lists=204 state_files=0 stats=0" \
		<(tail -n 1 "$W/out")
}

# Docker's config.v2.json is read once per id per reading, however many
# namespaces ask, and containers.json once per reading.
t_owner_state_files_once()
{
	need_owner_dump
	owner_dump --stats "$OWNER_FX/docker" 401 402 404,401 405 401
	expect_rc 0
	expect_text "stats: cgroup_files=6 dir_lists=0 state_files=2 stats=0" <(tail -n 1 "$W/out")
	owner_dump --stats "$OWNER_FX/podman" 501 503 506 508,507 501
	expect_rc 0
	# overlay: containers.json and volatile-containers.json; vfs: containers.json
	expect_text "stats: cgroup_files=6 dir_lists=1 state_files=3 stats=0" <(tail -n 1 "$W/out")
}

# More containers than the maximum: 32 kept, the rest counted.  Only 32 ids
# are gathered per namespace (the sandbox's one of them), so the 32nd
# container is listed without its id.
t_owner_truncated()
{
	local groups

	need_owner_dump
	need python3
	groups=$(make_pods "$W/root" 1 40) || fail "make_pods"
	owner_dump "$W/root" $groups
	expect_rc 0
	expect_empty err
	grep -q ' containers=c01:[0-9a-f]\{64\}:containerd,.*,c31:[0-9a-f]\{64\}:containerd,c32:: truncated=8$' "$W/out" ||
		{ cat "$W/out"; fail "not 32 containers and truncated=8"; }
	[[ $(grep -o ',c[0-9]*:' "$W/out" | wc -l) == 31 ]] || fail "not 32 containers listed"
}

# A state file over 64 MiB is refused, even when its name comes first.
t_owner_big_state_file()
{
	local id

	need_owner_dump
	need python3
	id=$(printf 'big' | sha256sum | cut -c1-64)
	mkdir -p "$W/root/proc/1" "$W/root/var/lib/docker/containers/$id"
	echo "0::/system.slice/docker-$id.scope" > "$W/root/proc/1/cgroup"
	python3 - "$W/root/var/lib/docker/containers/$id/config.v2.json" "$1" <<'EOF'
import sys
head, tail = '{"Name": "/big", "Pad": "', '"}'
with open(sys.argv[1], "w") as f:
    f.write(head)
    f.write(" " * (int(sys.argv[2]) - len(head) - len(tail)))
    f.write(tail)
EOF
	[[ $(stat -c %s "$W/root/var/lib/docker/containers/$id/config.v2.json") == "$1" ]] ||
		fail "the state file is not $1 bytes"
	owner_dump "$W/root" 1
	expect_rc 0
	if (($1 > 64 * 1024 * 1024)); then
		expect_text "1: kind=container runtime=docker id=$id name=" "$W/out"
	else
		expect_text "1: kind=container runtime=docker id=$id name=big" "$W/out"
	fi
}

# Files the reader may not read are skipped, not fatal: a pid's cgroup file
# and Docker's state, as nobody.
t_owner_unreadable()
{
	local id

	need_owner_dump
	need_root "only root can make files root's alone and still read them"
	need setpriv
	cp -a "$OWNER_FX/docker" "$W/root"
	chmod 755 "$W" "$W/root"
	chmod 711 "$tmp"
	chmod 600 "$W/root/proc/402/cgroup"
	chmod 700 "$W/root/var/lib/docker"
	"${NOBODY[@]}" "$OWNER_DUMP" > /dev/null 2>&1
	[[ $? == 2 ]] || skip "nobody cannot run $OWNER_DUMP (setpriv, or directory permissions)"
	"${NOBODY[@]}" "$OWNER_DUMP" "$W/root" 402,401 402 > "$W/out" 2> "$W/err"
	rc=$?
	id=$(printf 'd-web' | sha256sum | cut -c1-64)
	expect_rc 0
	expect_empty err
	printf '%s\n' "402,401: kind=container runtime=docker id=$id name=" "402: kind=unknown" \
		> "$W/want"
	expect_file "$W/want" "$W/out"
}

for f in "$OWNER_FX"/*.args; do
	[[ -e $f ]] || continue
	f=$(basename "$f" .args)
	add "owner: $f" t_owner_case "$f"
done
add "owner: a changed name changes its line" t_owner_mutation
add "owner: the host root spelt with slashes, or relative" t_owner_root_spelling
add "owner: owner_dump usage errors" t_owner_usage
add "owner: 100 pod namespaces, log directories listed once per reading" t_owner_many_pods
add "owner: runtime state files read once per reading" t_owner_state_files_once
add "owner: 40 containers, 32 listed and 8 counted" t_owner_truncated
add "owner: a state file of 64 MiB is read" t_owner_big_state_file $((64 * 1024 * 1024))
add "owner: a state file over 64 MiB is refused" t_owner_big_state_file $((64 * 1024 * 1024 + 1))
add "owner: unreadable files are skipped" t_owner_unreadable
