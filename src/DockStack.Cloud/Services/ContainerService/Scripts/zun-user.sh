#!/bin/sh
# The zun system user and its folders; it runs guests through the nested engine's socket (group docker).
set -e
getent group zun >/dev/null || addgroup --system zun
getent passwd zun >/dev/null || adduser --system --ingroup zun --home /var/lib/zun --no-create-home --shell /usr/sbin/nologin zun
install -d -o zun -g zun -m 750 /var/lib/zun /var/log/zun
usermod -aG docker zun
