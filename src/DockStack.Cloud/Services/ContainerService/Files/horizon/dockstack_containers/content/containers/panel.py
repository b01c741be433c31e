from django.utils.translation import gettext_lazy as _

import horizon


class Containers(horizon.Panel):
    name = _("Containers")
    slug = "appcontainers"
    permissions = ('openstack.services.container',)
    policy_rules = (("container", "container:get_all"),)
