#!/bin/sh
# Keystone's fernet and credential key repositories, owned by the service.
set -e
keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone
keystone-manage credential_setup --keystone-user keystone --keystone-group keystone
