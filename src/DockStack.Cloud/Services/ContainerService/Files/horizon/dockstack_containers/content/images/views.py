from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from horizon import forms

from dockstack_containers import api
from dockstack_containers import views
from dockstack_containers.content.images import forms as image_forms
from dockstack_containers.content.images import tables as image_tables


class IndexView(views.ApiTableView):
    table_class = image_tables.ImagesTable
    page_title = _('Container Images')
    list_call = staticmethod(api.image_list)
    error_message = _('Unable to retrieve the container images.')


class PullView(forms.ModalFormView):
    form_class = image_forms.PullForm
    template_name = 'dockstack_containers/containers/form.html'
    modal_id = 'pull_image_modal'
    form_id = 'pull_image_form'
    modal_header = page_title = _('Pull Image')
    submit_label = _('Pull')
    submit_url = reverse_lazy('horizon:project:appcontainer_images:pull')
    success_url = reverse_lazy('horizon:project:appcontainer_images:index')
