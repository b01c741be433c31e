# dockstack: Horizon in a node, reached from the host on the cloud's loopback address (see DockStack's provisioning).
# The cloud's address: 127.0.0.1 here, rewritten before apache2 starts in a node of a cloud at 127.0.0.N.
DOCKSTACK_PUBLISHED_HOST = '127.0.0.1'
# The Host names Horizon answers for (Django ignores the port); any other is a 400, so a page in the developer's
# browser cannot reach Horizon through DNS rebinding. The node reaches itself by 127.0.0.1, localhost and its hostname.
ALLOWED_HOSTS = ['127.0.0.1', 'localhost', 'dockstack', DOCKSTACK_PUBLISHED_HOST]
OPENSTACK_HOST = "127.0.0.1"
OPENSTACK_KEYSTONE_URL = "http://127.0.0.1:5000/v3"
OPENSTACK_KEYSTONE_DEFAULT_ROLE = "member"
OPENSTACK_KEYSTONE_DEFAULT_DOMAIN = "Default"
AVAILABLE_REGIONS = []
SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'
CACHES = {
    'default': {
        'BACKEND': 'django.core.cache.backends.memcached.PyMemcacheCache',
        'LOCATION': '127.0.0.1:11211',
    },
}
