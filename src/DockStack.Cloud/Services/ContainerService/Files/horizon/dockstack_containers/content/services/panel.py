from django.utils.translation import gettext_lazy as _

import horizon


class Services(horizon.Panel):
    name = _("Services")
    slug = "appcontainer_services"
    permissions = ('openstack.services.container',)
    policy_rules = (("container", "zun-service:get_all"),)
