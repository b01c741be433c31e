from django.utils.translation import gettext_lazy as _

from django.urls import reverse_lazy

from horizon import exceptions
from horizon import forms
from horizon import tables

from dockstack_containers import api
from dockstack_containers.content.images import forms as image_forms
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


class PullView(forms.ModalFormView):
    form_class = image_forms.PullForm
    template_name = 'dockstack_containers/containers/form.html'
    modal_id = 'pull_image_modal'
    form_id = 'pull_image_form'
    modal_header = page_title = _('Pull Image')
    submit_label = _('Pull')
    submit_url = reverse_lazy('horizon:project:appcontainer_images:pull')
    success_url = reverse_lazy('horizon:project:appcontainer_images:index')
