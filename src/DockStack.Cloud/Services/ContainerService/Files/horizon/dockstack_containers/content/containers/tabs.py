from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import tabs

from dockstack_containers import api

LOG_LINES = 200


class OverviewTab(tabs.Tab):
    name = _('Overview')
    slug = 'overview'
    template_name = 'dockstack_containers/containers/_detail_overview.html'

    def get_context_data(self, request):
        container = self.tab_group.kwargs['container']
        return {'container': container,
                'environment': sorted((container.environment or {}).items()),
                'labels': sorted((container.labels or {}).items()),
                'ports': ', '.join(sorted(str(p) for p in (container.ports or []))) or '-',
                'command': ' '.join(container.command) if isinstance(container.command, list) else container.command}


class LogsTab(tabs.Tab):
    name = _('Logs')
    slug = 'logs'
    template_name = 'dockstack_containers/containers/_detail_logs.html'
    preload = False

    def get_context_data(self, request):
        container = self.tab_group.kwargs['container']
        try:
            logs = api.container_logs(request, container.uuid, LOG_LINES)
        except Exception:
            logs = None
            exceptions.handle(request, _('Unable to retrieve the logs.'))
        return {'container': container, 'logs': logs, 'lines': LOG_LINES}


class ActionsTab(tabs.Tab):
    name = _('Action Log')
    slug = 'actions'
    template_name = 'dockstack_containers/containers/_detail_actions.html'
    preload = False

    def get_context_data(self, request):
        container = self.tab_group.kwargs['container']
        try:
            actions = api.container_actions(request, container.uuid)
        except Exception:
            actions = []
            exceptions.handle(request, _('Unable to retrieve the action log.'))
        return {'actions': sorted(actions, key=lambda a: a.get('start_time') or '', reverse=True)}


class ContainerDetailTabs(tabs.DetailTabsGroup):
    slug = 'container_details'
    tabs = (OverviewTab, LogsTab, ActionsTab)
