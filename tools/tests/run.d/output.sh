# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# -o PATH never destroys what is at PATH: a regular file is replaced
# atomically by one of its mode, through a symlink the file it names; a
# FIFO or character device is written in place; anything else is refused.
# Device nodes and links like /dev/stdout are made on a tmpfs of a private
# mount namespace, never on the host's paths.  Sourced by tests/run.

# in_private SCRIPT: run SCRIPT (bash) in a private mount namespace with a
# tmpfs on $W/m, as root; SCRIPT sees TCPSTAT, M (the tmpfs), IN (a good
# module file) and W.  Its stdout and stderr are in $W/private.log.
in_private()
{
	need_root "device nodes are made in a private mount namespace"
	need unshare mount mknod
	unshare -m --propagation private true 2> "$W/unshare.err" ||
		skip "no private mount namespace: $(head -n1 "$W/unshare.err")"
	mkdir -p "$W/m"
	TCPSTAT=$TCPSTAT M=$W/m IN=$fx/good/distinct.in W=$W timeout -k 5 $WATCHDOG \
		unshare -m --propagation private bash -euc \
		'mount -t tmpfs -o mode=755 tcpstat-test "$M"; '"$1" \
		> "$W/private.log" 2>&1
}

# A character device is written in place, and stays one.
t_output_chardev()
{
	in_private '
		mknod "$M/null" c 1 3
		"$TCPSTAT" --file "$IN" -o "$M/null"
		stat -c "%F %t,%T" "$M/null"' ||
		{ cat "$W/private.log"; fail "writing to a device node failed"; }
	expect_text "character special file 1,3" "$W/private.log"
}

# A FIFO is written in place: its reader gets the reading, whole.
t_output_fifo()
{
	"$TCPSTAT" --file "$fx/good/distinct.in" > "$W/want" || fail "no reading"
	mkfifo "$W/fifo"
	timeout -k 5 $WATCHDOG cat "$W/fifo" > "$W/got" &
	tc --file "$fx/good/distinct.in" -o "$W/fifo"
	wait $! || fail "the FIFO's reader failed"
	expect_rc 0
	expect_empty err
	[[ -p $W/fifo ]] || fail "the FIFO was replaced"
	expect_file "$W/want" "$W/got"
}

# Through a symlink, the file it names is replaced; the link is kept, and
# the file keeps its mode.  A link like /dev/stdout reaches the pipe.
t_output_symlink()
{
	"$TCPSTAT" --file "$fx/good/distinct.in" > "$W/want" || fail "no reading"
	in_private '
		echo old > "$M/target"
		chmod 640 "$M/target"
		ln -s target "$M/link"
		"$TCPSTAT" --file "$IN" -o "$M/link"
		stat -c "%F %a" "$M/link" "$M/target"
		cp "$M/target" "$W/got"
		ls -A "$M" | tr "\n" " "; echo
		ln -s /proc/self/fd/1 "$M/stdout"
		"$TCPSTAT" --file "$IN" -o "$M/stdout" | cat > "$W/piped"
		stat -c "%F" "$M/stdout"' ||
		{ cat "$W/private.log"; fail "writing through a symlink failed"; }
	printf '%s\n' "symbolic link 777" "regular file 640" "link target " \
		"symbolic link" > "$W/expected"
	expect_file "$W/expected" "$W/private.log"
	expect_file "$W/want" "$W/got"
	expect_file "$W/want" "$W/piped"
}

# A regular file keeps its mode (not the umask's).
t_output_keeps_mode()
{
	mkdir "$W/dir"
	echo old > "$W/dir/f"
	chmod 600 "$W/dir/f"
	(umask 022 && exec "$TCPSTAT" --file "$fx/good/distinct.in" -o "$W/dir/f" \
		> "$W/out" 2> "$W/err")
	rc=$?
	expect_rc 0
	expect_empty err
	[[ $(stat -c %a "$W/dir/f") == 600 ]] || fail "mode $(stat -c %a "$W/dir/f"), not 600"
	grep -q ESTABLISHED "$W/dir/f" || fail "not replaced"
}

# Nothing else is written: a block device, a socket, a dangling symlink.
t_output_refused()
{
	in_private '
		mknod "$M/blk" b 7 0
		python3 -c "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$M/sock"
		ln -s nowhere "$M/dangling"
		for f in blk sock dangling; do
			"$TCPSTAT" --file "$IN" -o "$M/$f" && echo "$f: written"
			echo "status $?"
		done
		ls -A "$M" | tr "\n" " "; echo
		stat -c "%F" "$M/blk" "$M/sock"' ||
		{ cat "$W/private.log"; fail "the checks did not run"; }
	sed "s|$W/m/|M/|" "$W/private.log" > "$W/got"
	cat > "$W/expected" <<-EOT
	ktcpstat: M/blk: a block device: not replaced (a regular file, a FIFO or a character device only)
	status 2
	ktcpstat: M/sock: a socket: not replaced (a regular file, a FIFO or a character device only)
	status 2
	ktcpstat: M/dangling: a symbolic link to nothing: not replaced
	status 2
	blk dangling sock 
	block special file
	socket
	EOT
	expect_file "$W/expected" "$W/got"
}

add "output: a character device is written in place, not replaced" t_output_chardev
add "output: a FIFO is written in place, its reader gets it whole" t_output_fifo
add "output: through a symlink the file is replaced, the link kept" t_output_symlink
add "output: a replaced file keeps its mode" t_output_keeps_mode
add "output: a block device, a socket, a dangling symlink are refused" t_output_refused
