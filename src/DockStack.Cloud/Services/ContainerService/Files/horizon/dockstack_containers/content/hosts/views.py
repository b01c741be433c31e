from django.utils.translation import gettext_lazy as _

from dockstack_containers import api
from dockstack_containers import views
from dockstack_containers.content.hosts import tables as host_tables


class IndexView(views.ApiTableView):
    table_class = host_tables.HostsTable
    page_title = _('Container Hosts')
    list_call = staticmethod(api.host_list)
    error_message = _('Unable to retrieve the container hosts.')
