from django.utils.translation import gettext_lazy as _

import horizon


class Hosts(horizon.Panel):
    name = _("Hosts")
    slug = "appcontainer_hosts"
    permissions = ('openstack.services.container',)
    policy_rules = (("container", "host:get_all"),)
