#!/bin/sh
# Creates the openstack user with RABBIT_PASSWORD (from the environment) and removes guest.
set -e
# The unit counts as started once the broker's process runs (Type=exec), and await_startup fails at once
# while the Erlang node is not up yet ("not running at all"): retry until it answers.
for _ in $(seq 120); do rabbitmqctl await_startup --timeout 120 >/dev/null 2>&1 && break; sleep 1; done
rabbitmqctl await_startup --timeout 10 >/dev/null
rabbitmqctl add_user openstack "$RABBIT_PASSWORD" >/dev/null
rabbitmqctl set_permissions openstack '.*' '.*' '.*' >/dev/null
rabbitmqctl delete_user guest >/dev/null 2>&1 || true
