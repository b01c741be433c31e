from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from horizon import tables
from horizon.utils import filters

from dockstack_containers import api

# Zun's statuses; True: settled, False: failed, None: changing (Horizon's table polls such rows until they settle).
STATUS_CHOICES = (
    ('running', True), ('created', True), ('stopped', True), ('paused', True),
    ('error', False), ('dead', False), ('unknown', False),
    ('creating', None), ('restarting', None), ('deleting', None), ('rebuilding', None),
)

TASK_IDLE = (None, '', 'None')


def _idle(container):
    return container is None or container.task_state in TASK_IDLE


class ContainerBatchAction(tables.BatchAction):
    """A lifecycle call on one or more containers, offered for the statuses it applies to."""
    api_action = None
    present = ('', '')
    past = ('', '')
    statuses = ()
    params = {}

    def action_present(self, count):
        return ngettext_lazy(self.present[0], self.present[1], count)

    def action_past(self, count):
        return ngettext_lazy(self.past[0], self.past[1], count)

    def allowed(self, request, container=None):
        return container is None or (_idle(container) and container.status in self.statuses)

    def action(self, request, obj_id):
        api.container_action(request, obj_id, self.api_action, **self.params)


class StartContainer(ContainerBatchAction):
    name = 'start'
    api_action = 'start'
    present = ('Start Container', 'Start Containers')
    past = ('Started Container', 'Started Containers')
    statuses = ('Created', 'Stopped')
    policy_rules = (("container", "container:start"),)


class StopContainer(ContainerBatchAction):
    name = 'stop'
    api_action = 'stop'
    action_type = 'danger'
    present = ('Stop Container', 'Stop Containers')
    past = ('Stopped Container', 'Stopped Containers')
    statuses = ('Running',)
    params = {'timeout': '10'}
    policy_rules = (("container", "container:stop"),)


class RestartContainer(ContainerBatchAction):
    name = 'restart'
    api_action = 'reboot'
    action_type = 'danger'
    present = ('Restart Container', 'Restart Containers')
    past = ('Restarted Container', 'Restarted Containers')
    statuses = ('Running', 'Stopped', 'Created')
    params = {'timeout': '10'}
    policy_rules = (("container", "container:reboot"),)


class PauseContainer(ContainerBatchAction):
    name = 'pause'
    api_action = 'pause'
    present = ('Pause Container', 'Pause Containers')
    past = ('Paused Container', 'Paused Containers')
    statuses = ('Running',)
    policy_rules = (("container", "container:pause"),)


class UnpauseContainer(ContainerBatchAction):
    name = 'unpause'
    api_action = 'unpause'
    present = ('Unpause Container', 'Unpause Containers')
    past = ('Unpaused Container', 'Unpaused Containers')
    statuses = ('Paused',)
    policy_rules = (("container", "container:unpause"),)


class DeleteContainer(tables.DeleteAction):
    name = 'delete'
    force = False
    policy_rules = (("container", "container:delete"),)

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Delete Container', 'Delete Containers', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Deleted Container', 'Deleted Containers', count)

    def allowed(self, request, container=None):
        return container is None or container.status not in ('Running', 'Paused', 'Restarting', 'Deleting')

    def delete(self, request, obj_id):
        api.container_delete(request, obj_id, force=self.force)


class ForceDeleteContainer(DeleteContainer):
    """Deletes a container whatever it is doing (Zun's `force`, an admin's call by its policy)."""
    name = 'force_delete'
    force = True
    policy_rules = (("container", "container:delete_force"),)

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Force Delete Container', 'Force Delete Containers', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Force Deleted Container', 'Force Deleted Containers', count)

    def allowed(self, request, container=None):
        return True


class CreateContainer(tables.LinkAction):
    name = 'create'
    verbose_name = _('Create Container')
    url = 'horizon:project:appcontainers:create'
    classes = ('ajax-modal',)
    icon = 'plus'
    policy_rules = (("container", "container:create"),)


class ContainerLinkAction(tables.LinkAction):
    """A modal form about one container."""
    classes = ('ajax-modal',)
    statuses = None

    def get_link_url(self, datum):
        return reverse(self.url, args=[datum.uuid])

    def allowed(self, request, container=None):
        return self.statuses is None or container is None or container.status in self.statuses


class RenameContainer(ContainerLinkAction):
    name = 'rename'
    verbose_name = _('Rename')
    url = 'horizon:project:appcontainers:rename'
    policy_rules = (("container", "container:update"),)


class ExecuteCommand(ContainerLinkAction):
    name = 'execute'
    verbose_name = _('Execute Command')
    url = 'horizon:project:appcontainers:execute'
    statuses = ('Running',)
    policy_rules = (("container", "container:execute"),)


class KillContainer(ContainerLinkAction):
    name = 'kill'
    verbose_name = _('Send Signal')
    url = 'horizon:project:appcontainers:kill'
    classes = ('ajax-modal', 'btn-danger')
    statuses = ('Running', 'Paused')
    policy_rules = (("container", "container:kill"),)


class ContainersFilterAction(tables.FilterAction):
    """Filters run by the container service itself, over every page."""
    filter_type = 'server'
    filter_choices = (('name', _('Name ='), True), ('image', _('Image ='), True), ('status', _('Status ='), True))


class UpdateRow(tables.Row):
    ajax = True

    def get_data(self, request, container_id):
        return api.container_get(request, container_id)


def addresses(container):
    found = [a.get('addr') for net in (container.addresses or {}).values() for a in (net or []) if a.get('addr')]
    return ', '.join(found) or '-'


class ContainersTable(tables.DataTable):
    name = tables.WrappingColumn('name', link='horizon:project:appcontainers:detail', verbose_name=_('Name'))
    image = tables.Column('image', verbose_name=_('Image'))
    status = tables.Column('status', status=True, status_choices=STATUS_CHOICES, verbose_name=_('Status'))
    task_state = tables.Column('task_state', empty_value='-', verbose_name=_('Task State'))
    addresses = tables.Column(addresses, verbose_name=_('Addresses'))
    host = tables.Column('host', empty_value='-', verbose_name=_('Host'))
    created = tables.Column('created_at', verbose_name=_('Created'),
                            filters=(filters.parse_isotime, filters.timesince_sortable),
                            attrs={'data-type': 'timesince'})

    def get_object_id(self, datum):
        return datum.uuid

    def get_object_display(self, datum):
        return datum.name or datum.uuid

    class Meta:
        name = 'containers'
        verbose_name = _('Containers')
        status_columns = ['status']
        row_class = UpdateRow
        pagination_param = 'marker'
        table_actions = (ContainersFilterAction, CreateContainer, DeleteContainer)
        row_actions = (StartContainer, StopContainer, RestartContainer, PauseContainer, UnpauseContainer,
                       ExecuteCommand, KillContainer, RenameContainer, DeleteContainer, ForceDeleteContainer)
