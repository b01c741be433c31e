from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from horizon import tables
from horizon.utils import filters

from dockstack_containers import api


def _service(table, obj_id):
    return next(s for s in table.data if s.id == obj_id)


class EnableService(tables.BatchAction):
    name = 'enable'
    policy_rules = (("container", "zun-service:enable"),)

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Enable Service', 'Enable Services', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Enabled Service', 'Enabled Services', count)

    def allowed(self, request, service=None):
        return service is None or service.disabled

    def action(self, request, obj_id):
        service = _service(self.table, obj_id)
        api.service_enable(request, service.host, service.binary)


class DisableService(tables.BatchAction):
    name = 'disable'
    action_type = 'danger'
    policy_rules = (("container", "zun-service:disable"),)

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Disable Service', 'Disable Services', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Disabled Service', 'Disabled Services', count)

    def allowed(self, request, service=None):
        return service is None or not service.disabled

    def action(self, request, obj_id):
        service = _service(self.table, obj_id)
        api.service_disable(request, service.host, service.binary, 'Disabled in Horizon')


def status(service):
    return _('Disabled') if service.disabled else _('Enabled')


class ServicesTable(tables.DataTable):
    binary = tables.Column('binary', verbose_name=_('Binary'))
    host = tables.Column('host', verbose_name=_('Host'))
    zone = tables.Column('availability_zone', empty_value='-', verbose_name=_('Zone'))
    status = tables.Column(status, verbose_name=_('Status'))
    state = tables.Column('state', verbose_name=_('State'))
    reason = tables.Column('disabled_reason', empty_value='-', verbose_name=_('Disabled Reason'))
    updated = tables.Column('updated_at', empty_value='-', verbose_name=_('Last Updated'),
                            filters=(filters.parse_isotime, filters.timesince_sortable),
                            attrs={'data-type': 'timesince'})

    class Meta:
        name = 'appcontainer_services'
        verbose_name = _('Container Services')
        row_actions = (EnableService, DisableService)
