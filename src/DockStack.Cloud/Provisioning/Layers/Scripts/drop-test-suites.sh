#!/bin/sh
# The test suites Debian ships inside the Python packages (nova/tests, neutron/tests, openstackclient/tests, numpy's...:
# about 187 MB); nothing a service or client runs imports them. Removed after the install, in the layer that installed
# them, so the committed layer never holds them. A dpkg path-exclude cannot do it: each package's postinst byte-compiles
# every .py file dpkg lists for it (py3compile) and fails on the first one that was not unpacked.
set -e
find /usr/lib/python3/dist-packages -mindepth 2 -type d -name tests -prune -exec rm -rf {} +
