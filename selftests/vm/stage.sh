# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154 # $work and pids are the stage's
#
# stage.sh: sourced by the guest stages that run after the suite
# (selftests/vm/guest-NAME, see guest-suite): KTAP results, waits for
# events under a watchdog, and Docker and Podman from Debian's packages
# laid onto the guest's throwaway overlay.  The stage sets $work (a
# directory of its own) and pids (an array of the processes it started,
# which its cleanup ends) before calling them.

pass=0
fail=0
WATCHDOG=${WATCHDOG:-900}
containers_tree=${TCPSTAT_CACHE:-/var/cache/tcpstat}/containers/root
containers_run=/run/tcpstat-containers
docker=/usr/bin/docker
export DOCKER_HOST=unix://$containers_run/docker.sock

result() {	# status description
	if [ "$1" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $((pass + fail)) $2"
	else
		fail=$((fail + 1))
		echo "not ok $((pass + fail)) $2"
	fi
}

finish() {
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
	[ $fail -eq 0 ]
	exit
}

diag() {	# stdin as diagnostic lines
	sed 's/^/# /'
}

# A pause without a process: a read that times out on a FIFO nobody writes.
nap() {	# SECONDS
	[ -p "$work/nap" ] || mkfifo "$work/nap"
	read -rt "$1" <>"$work/nap" || :
}

wait_for() {	# CMD...: until it succeeds; 1 after the watchdog
	local end=$((SECONDS + WATCHDOG))
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		nap 0.2
	done
}

# Whether PID runs (a zombie child of ours, not yet waited for, does not).
alive() {	# PID
	local st
	read -r st 2>/dev/null <"/proc/$1/stat" || return 1
	st=${st##*) }
	[ "${st:0:1}" != Z ]
}

# A 64-hex id, made up as a runtime would.
hex_id() {
	printf '%08x%08x%08x%08x%08x%08x%08x%08x' "$SRANDOM" "$SRANDOM" "$SRANDOM" \
		"$SRANDOM" "$SRANDOM" "$SRANDOM" "$SRANDOM" "$SRANDOM"
}

# Whether this is a rig guest (PID 1 is guest-init, every write goes to a
# throwaway overlay): only there may a stage mount over /usr or start
# daemons.
in_rig_guest() {
	local init
	mapfile -d '' init </proc/1/cmdline
	[ "${init[1]:-}" != "${init[1]%/guest-init}" ]
}

# The packages' files, extracted on the host by selftests/vm/deps, onto
# this guest's overlay (writes never reach the host): /usr by an overlay
# mount whose top layer is the tree's (copying or linking its files one by
# one takes a minute under emulation), the few others linked each from its
# place.  The host's / is usr-merged: a directory of the tree whose place
# is a symlink (/lib) goes where it points.  Once per guest: a second
# stage finds them laid.
containers_lay() {
	local d dest c ok=0 start=$SECONDS

	if ! grep -q '^tcpstat-containers /usr overlay ' /proc/mounts; then
		mkdir -p "$containers_run/usr/upper" "$containers_run/usr/work"
		mount -t overlay -o "lowerdir=$containers_tree/usr:/usr,upperdir=$containers_run/usr/upper,workdir=$containers_run/usr/work" \
			tcpstat-containers /usr || ok=1
		for d in "$containers_tree"/*/; do
			d=${d%/}
			[ "$d" = "$containers_tree/usr" ] && continue
			dest=$(readlink -f "/${d##*/}")
			mkdir -p "$dest" && cp -rs --remove-destination "$d/." "$dest/" || ok=1
		done
		echo "# the files of $(wc -w <"$containers_tree/.debs") packages laid in $((SECONDS - start)) s"
	fi
	for c in /usr/sbin/dockerd "$docker" /usr/bin/containerd /usr/bin/runc /usr/bin/podman \
		 /usr/bin/conmon; do
		[ -x "$c" ] || { echo "# no $c after laying $containers_tree"; ok=1; }
	done
	[ $ok -eq 0 ] && { "$docker" --version; /usr/sbin/dockerd --version; /usr/bin/podman --version
			      /usr/bin/containerd --version; /usr/bin/runc --version | head -n 1; } | diag
	# cgroup v2, where the runtimes (cgroupfs driver) make their cgroups.
	mountpoint -q /sys/fs/cgroup || mount -t cgroup2 cgroup2 /sys/fs/cgroup || ok=1
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || ok=1
	return $ok
}

# dockerd: no systemd here, so the cgroupfs driver (/docker/<id>); no
# bridge, no firewall rules; its state where Docker keeps it by default
# (/var/lib/docker, where the reader finds names), in the overlay.  Until
# it answers; its pid in dockerd_pid (and in pids).
dockerd_up() {
	{ [ -S "$containers_run/docker.sock" ] && "$docker" version >/dev/null 2>&1; } ||
		! alive "$dockerd_pid"
}

dockerd_start() {
	local rc start=$SECONDS

	mkdir -p "$containers_run"
	/usr/sbin/dockerd --host "$DOCKER_HOST" --exec-root "$containers_run/docker" \
		--pidfile "$containers_run/docker.pid" --data-root /var/lib/docker \
		--storage-driver vfs --bridge none --iptables=false --ip6tables=false \
		--exec-opt native.cgroupdriver=cgroupfs --log-level warn \
		>"$work/dockerd.log" 2>&1 &
	dockerd_pid=$!
	pids+=("$dockerd_pid")
	wait_for dockerd_up && "$docker" version >/dev/null 2>&1
	rc=$?
	echo "# dockerd answered after $((SECONDS - start)) s"
	[ $rc -eq 0 ] || tail -n 20 "$work/dockerd.log" | diag
	return $rc
}

# Every Docker container removed, if dockerd was started.
docker_remove_all() {
	[ -S "$containers_run/docker.sock" ] || return 0
	"$docker" ps -aq 2>/dev/null | xargs -r "$docker" rm -f >/dev/null 2>&1
}

# Every process in pids ended, under a watchdog of its own (dockerd ends
# its containerd); SIGKILL after it.
all_gone() {
	local p
	for p in "${pids[@]}"; do
		alive "$p" && return 1
	done
	return 0
}

end_all() {
	[ ${#pids[@]} -gt 0 ] || return 0
	kill "${pids[@]}" 2>/dev/null
	WATCHDOG=120 wait_for all_gone || kill -9 "${pids[@]}" 2>/dev/null
}
