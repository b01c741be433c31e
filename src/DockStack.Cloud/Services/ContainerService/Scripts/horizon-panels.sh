#!/bin/sh
# The container panels compiled (Apache's user cannot write __pycache__ under dist-packages), registered in Horizon's
# settings and importable (checked the way Horizon loads them), then Horizon restarted to serve them.
set -e
python3 -m compileall -q /usr/lib/python3/dist-packages/dockstack_containers
cd /usr/share/openstack-dashboard
DJANGO_SETTINGS_MODULE=openstack_dashboard.settings runuser -u www-data -- python3 - <<'PY'
import django
django.setup()
from django.urls import reverse
# Resolving a panel's URL loads Horizon's dashboards, the plugin's panels, their URLs and views.
for name in ('project:appcontainers:index', 'project:appcontainers:create', 'project:appcontainer_images:index',
             'admin:appcontainer_hosts:index', 'admin:appcontainer_services:index'):
    print(reverse('horizon:' + name))
print('container panels registered')
PY
systemctl restart apache2.service
