#!/bin/sh
# Usage: wsgi-process-group.sh VHOST-FILE
# Debian's vhost defines a daemon process but leaves WSGIProcessGroup commented out, so Horizon runs in a
# sub-interpreter and every page fails with "PyO3 modules ... may only be initialized once per interpreter
# process" (python3-cryptography). Run it in its daemon, in the main interpreter.
set -e
f=$1
grep -q '^ *WSGIApplicationGroup' "$f" || sed -i -E 's|^\s*#?WSGIProcessGroup .*|    WSGIProcessGroup horizon\n    WSGIApplicationGroup %{GLOBAL}|' "$f"
grep -q '^ *WSGIApplicationGroup' "$f"
