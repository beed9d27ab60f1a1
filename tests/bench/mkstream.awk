# mkstream.awk: a saved audit.log -> the stream auditd hands a plugin (an
# EOE record after each event).  -v copies=N repeats the log N times with
# later timestamps and new serials, for longer runs.
{ line[n++] = $0 }
END {
	if (copies < 1)
		copies = 1
	for (c = 0; c < copies; c++) {
		prev = ""
		for (i = 0; i < n; i++) {
			l = line[i]
			if (!match(l, /msg=audit\([0-9]+\.[0-9]+:[0-9]+\)/)) {
				print l
				continue
			}
			stamp = substr(l, RSTART + 10, RLENGTH - 11)
			split(stamp, part, ":")
			split(part[1], t, ".")
			id = (t[1] + c * 100000) "." t[2] ":" \
			    (part[2] + c * 10000000)
			l = substr(l, 1, RSTART + 9) id \
			    substr(l, RSTART + RLENGTH - 1)
			if (prev != "" && id != prev)
				print "type=EOE msg=audit(" prev "): "
			prev = id
			print l
		}
		if (prev != "")
			print "type=EOE msg=audit(" prev "): "
	}
}
