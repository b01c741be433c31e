from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from horizon import tables


class ImagesFilterAction(tables.FilterAction):
    def filter(self, table, images, text):
        text = text.lower()
        return [i for i in images if text in (i.repo or '').lower() or text in (i.tag or '').lower()]


class PullImage(tables.LinkAction):
    name = 'pull'
    verbose_name = _('Pull Image')
    url = 'horizon:project:appcontainer_images:pull'
    classes = ('ajax-modal',)
    icon = 'download'
    policy_rules = (("container", "image:pull"),)


class ImagesTable(tables.DataTable):
    repo = tables.Column('repo', verbose_name=_('Repository'))
    tag = tables.Column('tag', verbose_name=_('Tag'))
    host = tables.Column('host', empty_value='-', verbose_name=_('Host'))
    size = tables.Column('size', filters=(filesizeformat,), verbose_name=_('Size'))
    image_id = tables.Column('image_id', empty_value='-', verbose_name=_('Image ID'))
    uuid = tables.Column('uuid', verbose_name=_('ID'))

    def get_object_id(self, datum):
        return datum.uuid

    class Meta:
        name = 'appcontainer_images'
        verbose_name = _('Images')
        table_actions = (ImagesFilterAction, PullImage)
