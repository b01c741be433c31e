#!/bin/sh
# zun.conf readable by the service only, the service's executable checked, the units enabled (the engine without its
# socket: a stopped engine would start again on the next client call).
set -e
chown root:zun /etc/zun/zun.conf && chmod 640 /etc/zun/zun.conf
/opt/dockstack/zun/zun --help >/dev/null 2>&1 || /opt/dockstack/zun/zun --help
systemctl daemon-reload
systemctl disable docker.socket >/dev/null 2>&1 || true
systemctl mask docker.socket
systemctl enable docker.service containerd.service dockstack-cirros.service zun-api.service
# kuryr-libnetwork only in a cloud with Neutron (its unit file is written only there)
if [ -f /etc/systemd/system/kuryr-libnetwork.service ]; then systemctl enable kuryr-libnetwork.service; fi
