#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A host root as ktcpstat --host-root sees one, with real network
# namespaces, then CMD run in it:
#
#   unshare -m --propagation private fakehost.sh ROOT CMD...
#
# Root only, and only in a private mount namespace: the namespaces are
# kept by bind mounts under ROOT/.ns and bound again on ROOT/proc/PID/ns/net
# and ROOT/run/netns/NAME, so that ktcpstat finds them as on a real host;
# they all go with the mount namespace, and nothing is left on the host.
#
#   host   ROOT/proc/1: the caller's own namespace, in /init.scope
#   pod    pids 2001 (sandbox) and 2002 (container app), a burstable pod
#          of the systemd driver under containerd; its name, its log
#          directory's and its container's are hostile (quotes, a
#          backslash, ESC, BEL, a newline, a byte that is not UTF-8)
#   docker pid 3001, a docker container named by config.v2.json, hostile
#   svc    pid 4001, in /system.slice/nginx.service
#   named  no process: only ROOT/run/netns/<a hostile name>
#
# ROOT/proc/tcpstat_netns and tcpstat_netns_ports are written as the module
# would, with those namespaces' inode numbers; ROOT/inodes lists
# "ROLE INODE" per namespace, and pid 2001 has counters in
# ROOT/proc/2001/net (snmp, netstat).  Names used are in ROOT/names.sh.

set -eu

root=$1
shift
mkdir -p "$root/.ns"

POD_UID=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
SANDBOX=$(printf 'a%.0s' {1..64})
APP=$(printf 'b%.0s' {1..64})
DOCKER=$(printf 'c%.0s' {1..64})
POD_NAME=$'cart"\\\e[31m\nx\xff'
CONTAINER=$'app\a"'
NETNS_NAME=$'red\e[31m"\xff\\'
# docker's config.v2.json says it in JSON: "db ESC ]0;pwned BEL " \"
DOCKER_JSON='db\u001b]0;pwned\u0007\"\\'

mkns()		# ROLE: a new namespace, kept in ROOT/.ns/ROLE
{
	: > "$root/.ns/$1"
	unshare --net="$root/.ns/$1" true
	echo "$1 $(stat -L -c %i "$root/.ns/$1")" >> "$root/inodes"
}

bind()		# ROLE PATH
{
	mkdir -p "$(dirname "$2")"
	: > "$2"
	mount --bind "$root/.ns/$1" "$2"
}

proc()		# PID ROLE CGROUP
{
	mkdir -p "$root/proc/$1/net"
	bind "$2" "$root/proc/$1/ns/net"
	printf '0::%s\n' "$3" > "$root/proc/$1/cgroup"
}

: > "$root/inodes"
: > "$root/.ns/host"
mount --bind /proc/self/ns/net "$root/.ns/host"
echo "host $(stat -L -c %i "$root/.ns/host")" >> "$root/inodes"
for role in pod docker svc named; do
	mkns "$role"
done

pod_slice=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_UID//-/_}.slice
proc 1 host /init.scope
proc 2001 pod "$pod_slice/cri-containerd-$SANDBOX.scope"
proc 2002 pod "$pod_slice/cri-containerd-$APP.scope"
proc 3001 docker "/system.slice/docker-$DOCKER.scope"
proc 4001 svc /system.slice/nginx.service
bind named "$root/run/netns/$NETNS_NAME"

mkdir -p "$root/var/log/pods/shop_${POD_NAME}_$POD_UID/$CONTAINER" \
	"$root/var/log/containers" "$root/var/lib/docker/containers/$DOCKER"
ln -s "/var/log/pods/shop_${POD_NAME}_$POD_UID/$CONTAINER/0.log" \
	"$root/var/log/containers/${POD_NAME}_shop_$CONTAINER-$APP.log"
printf '{"ID":"%s","Name":"/%s","State":{"Running":true}}\n' "$DOCKER" \
	"$DOCKER_JSON" > "$root/var/lib/docker/containers/$DOCKER/config.v2.json"

printf 'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\nTcp: 1 200 120000 -1 100 50 3 2 0 0 0 10 0 0 0\n' \
	> "$root/proc/2001/net/snmp"
printf 'TcpExt: ListenOverflows ListenDrops TCPReqQFullDrop\nTcpExt: 7 9 1\n' \
	> "$root/proc/2001/net/netstat"

# The module's files: one ESTABLISHED per role's rank, and a listener on
# 8080 in the pod, on 5432 in the docker container.
cols="ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK LISTEN CLOSING"
pcols="port listeners accept_queue accept_max syn_queue $cols fastopen_queue drops"
sort -k2,2n "$root/inodes" | awk -v cols="$cols" '
	BEGIN { print "netns family " cols " cookie" }
	{
		listen = ($1 == "pod" || $1 == "docker")
		printf "%s inet %d 0 0 0 0 0 0 0 0 %d 0 %d\n", $2, NR, listen, NR
		printf "%s inet6 0 0 0 0 0 0 0 0 0 0 0 %d\n", $2, NR
	}' > "$root/proc/tcpstat_netns"
sort -k2,2n "$root/inodes" | awk -v cols="$pcols" '
	BEGIN { print "netns " cols }
	$1 == "pod" { printf "%s 8080 1 0 4096 0 %d 0 0 0 0 0 0 0 0 1 0 0 3\n", $2, NR }
	$1 == "docker" { printf "%s 5432 1 0 128 0 %d 0 0 0 0 0 0 0 0 1 0 0 0\n", $2, NR }
	' > "$root/proc/tcpstat_netns_ports"

declare -p POD_UID SANDBOX APP DOCKER POD_NAME CONTAINER NETNS_NAME > "$root/names.sh"
"$@"
