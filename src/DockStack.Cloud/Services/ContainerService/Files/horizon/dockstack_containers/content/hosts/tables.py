from django.utils.translation import gettext_lazy as _

from horizon import tables


def _used_of(used, total, unit=''):
    def render(host):
        u, t = getattr(host, used, None), getattr(host, total, None)
        return '-' if t in (None, '') else '%s / %s%s' % (u if u is not None else 0, t, unit)
    return render


class HostsTable(tables.DataTable):
    hostname = tables.Column('hostname', verbose_name=_('Hostname'))
    cpus = tables.Column(_used_of('cpu_used', 'cpus'), verbose_name=_('vCPUs (used / total)'))
    memory = tables.Column(_used_of('mem_used', 'mem_total', ' MiB'), verbose_name=_('Memory (used / total)'))
    disk = tables.Column(_used_of('disk_used', 'disk_total', ' GiB'), verbose_name=_('Disk (used / total)'))
    containers = tables.Column('total_containers', verbose_name=_('Containers'))
    os = tables.Column('os', empty_value='-', verbose_name=_('OS'))
    kernel = tables.Column('kernel_version', empty_value='-', verbose_name=_('Kernel'))
    architecture = tables.Column('architecture', empty_value='-', verbose_name=_('Architecture'))

    def get_object_id(self, datum):
        return datum.uuid

    class Meta:
        name = 'appcontainer_hosts'
        verbose_name = _('Container Hosts')
