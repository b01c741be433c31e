from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import tables

from dockstack_containers import api
from dockstack_containers.content.images import tables as image_tables


class IndexView(tables.DataTableView):
    table_class = image_tables.ImagesTable
    page_title = _('Container Images')

    def get_data(self):
        try:
            return api.image_list(self.request)
        except Exception:
            exceptions.handle(self.request, _('Unable to retrieve the container images.'))
            return []
