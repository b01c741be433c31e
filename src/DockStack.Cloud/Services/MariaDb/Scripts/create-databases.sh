#!/bin/sh
# Usage: create-databases.sh SQL-FILE
# Runs the SQL that creates the services' databases and users once MariaDB answers, then removes it (it holds passwords).
set -e
for _ in $(seq 120); do mariadb-admin ping >/dev/null 2>&1 && break; sleep 0.5; done
mariadb < "$1"
rm -f "$1"
