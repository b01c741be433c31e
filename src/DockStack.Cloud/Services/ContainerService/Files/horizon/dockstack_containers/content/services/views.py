from django.utils.translation import gettext_lazy as _

from dockstack_containers import api
from dockstack_containers import views
from dockstack_containers.content.services import tables as service_tables


class IndexView(views.ApiTableView):
    table_class = service_tables.ServicesTable
    page_title = _('Container Services')
    list_call = staticmethod(api.service_list)
    error_message = _('Unable to retrieve the container services.')
