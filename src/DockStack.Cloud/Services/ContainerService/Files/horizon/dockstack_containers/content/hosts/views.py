from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import tables

from dockstack_containers import api
from dockstack_containers.content.hosts import tables as host_tables


class IndexView(tables.DataTableView):
    table_class = host_tables.HostsTable
    page_title = _('Container Hosts')

    def get_data(self):
        try:
            return api.host_list(self.request)
        except Exception:
            exceptions.handle(self.request, _('Unable to retrieve the container hosts.'))
            return []
