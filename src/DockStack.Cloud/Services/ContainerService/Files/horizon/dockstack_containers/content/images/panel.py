from django.utils.translation import gettext_lazy as _

import horizon


class Images(horizon.Panel):
    """The images on the container service's hosts: Zun lists them to admins only, so members do not see the panel."""
    name = _("Images")
    slug = "appcontainer_images"
    permissions = ('openstack.services.container',)
    policy_rules = (("container", "image:get_all"),)
