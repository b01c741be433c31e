from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import tables

from dockstack_containers import api
from dockstack_containers.content.services import tables as service_tables


class IndexView(tables.DataTableView):
    table_class = service_tables.ServicesTable
    page_title = _('Container Services')

    def get_data(self):
        try:
            return api.service_list(self.request)
        except Exception:
            exceptions.handle(self.request, _('Unable to retrieve the container services.'))
            return []
