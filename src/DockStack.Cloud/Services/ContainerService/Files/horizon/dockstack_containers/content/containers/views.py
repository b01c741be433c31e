from django.urls import reverse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import forms
from horizon import tables
from horizon import tabs
from horizon.utils import functions as utils
from horizon.utils import memoized

from dockstack_containers import api
from dockstack_containers.content.containers import forms as container_forms
from dockstack_containers.content.containers import tables as container_tables
from dockstack_containers.content.containers import tabs as container_tabs

INDEX_URL = 'horizon:project:appcontainers:index'


class IndexView(tables.DataTableView):
    table_class = container_tables.ContainersTable
    page_title = _('Containers')
    _more = False

    def has_more_data(self, table):
        return self._more

    def get_filters(self):
        action = self.table._meta._filter_action
        field, text = self.table.get_filter_field(), self.table.get_filter_string()
        if action and field and text and action.is_api_filter(field):
            return {field: text}
        return {}

    def get_data(self):
        marker = self.request.GET.get(self.table_class._meta.pagination_param)
        try:
            rows, self._more = api.container_list(self.request, marker=marker,
                                                  limit=utils.get_page_size(self.request),
                                                  filters=self.get_filters())
        except Exception:
            rows, self._more = [], False
            exceptions.handle(self.request, _('Unable to retrieve containers.'))
        return rows


class DetailView(tabs.TabView):
    tab_group_class = container_tabs.ContainerDetailTabs
    template_name = 'horizon/common/_detail.html'
    page_title = '{{ container.name|default:container.uuid }}'

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        container = self.get_data()
        context['container'] = container
        context['url'] = reverse(INDEX_URL)
        context['actions'] = container_tables.ContainersTable(self.request).render_row_actions(container)
        return context

    @memoized.memoized_method
    def get_data(self):
        try:
            return api.container_get(self.request, self.kwargs['container_id'])
        except Exception:
            exceptions.handle(self.request, _('Unable to retrieve the container.'), redirect=reverse(INDEX_URL))

    def get_tabs(self, request, *args, **kwargs):
        return self.tab_group_class(request, container=self.get_data(), **kwargs)


class CreateView(forms.ModalFormView):
    form_class = container_forms.CreateForm
    template_name = 'dockstack_containers/containers/form.html'
    modal_id = 'create_container_modal'
    form_id = 'create_container_form'
    modal_header = _('Create Container')
    page_title = _('Create Container')
    submit_label = _('Create')
    submit_url = reverse_lazy('horizon:project:appcontainers:create')
    success_url = reverse_lazy(INDEX_URL)

    def get_object_id(self, obj):
        return obj.uuid


class ContainerFormView(forms.ModalFormView):
    """A modal form about one container (its uuid in the URL and in a hidden field)."""
    template_name = 'dockstack_containers/containers/form.html'
    success_url = reverse_lazy(INDEX_URL)

    def get_initial(self):
        return {'container_id': self.kwargs['container_id']}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['submit_url'] = reverse(self.submit_view, args=[self.kwargs['container_id']])
        return context


class RenameView(ContainerFormView):
    form_class = container_forms.RenameForm
    modal_header = page_title = _('Rename Container')
    submit_label = _('Rename')
    submit_view = 'horizon:project:appcontainers:rename'


class KillView(ContainerFormView):
    form_class = container_forms.KillForm
    modal_header = page_title = _('Send a Signal')
    submit_label = _('Send')
    submit_view = 'horizon:project:appcontainers:kill'


class ExecuteView(ContainerFormView):
    """The command's output is shown in the same dialog, under the form, so the next command can follow."""
    form_class = container_forms.ExecuteForm
    template_name = 'dockstack_containers/containers/execute.html'
    modal_header = page_title = _('Execute Command')
    submit_label = _('Execute')
    cancel_label = _('Close')
    submit_view = 'horizon:project:appcontainers:execute'

    def form_valid(self, form):
        try:
            result = form.handle(self.request, form.cleaned_data)
        except Exception:
            result = None
            exceptions.handle(self.request)
        if not result:
            return self.form_invalid(form)
        context = self.get_context_data(form=form)
        context['output'] = result.get('output') or ''
        context['exit_code'] = result.get('exit_code')
        return self.render_to_response(context)
