from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import forms
from horizon import messages

from dockstack_containers import api


class PullForm(forms.SelfHandlingForm):
    repo = forms.CharField(label=_('Image'), max_length=255,
                           validators=[RegexValidator(r'^[a-zA-Z0-9][a-zA-Z0-9_./:@-]*$',
                                                      _('Not an image reference (such as cirros or nginx:latest).'))],
                           help_text=_('Found in the host\'s engine, or fetched from a registry the host can reach.'))
    host = forms.ChoiceField(label=_('Host'))

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        try:
            hosts = [h.hostname for h in api.host_list(request)]
        except Exception:
            hosts = []
            exceptions.handle(request, _('Unable to retrieve the container hosts.'))
        self.fields['host'].choices = [(h, h) for h in hosts]

    def handle(self, request, data):
        try:
            image = api.image_pull(request, data['repo'], data['host'])
        except (exceptions.BadRequest, exceptions.NotFound, exceptions.Conflict) as e:
            self.api_error(str(e))
            return False
        except Exception:
            exceptions.handle(request, _('Unable to pull the image.'))
            return False
        messages.success(request, _('Pulling %(repo)s on %(host)s.') % data)
        return image
