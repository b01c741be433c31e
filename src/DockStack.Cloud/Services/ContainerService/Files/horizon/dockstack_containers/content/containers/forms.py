import re
import shlex
import time

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import forms
from horizon import messages

from dockstack_containers import api

RESTART_POLICIES = [('', _('Never restart (no)')), ('on-failure', _('On failure')), ('always', _('Always')),
                    ('unless-stopped', _('Unless stopped'))]

SIGNALS = [(s, s) for s in ('SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGSTOP',
                            'SIGCONT')]

MEMORY = re.compile(r'^\s*(\d+)\s*([mMgG]i?[bB]?)?\s*$')

# How long the create form waits for the container service to find the image (a failure to find it shows on the
# form, not as a container in Error); a container still creating after that is reported as created.
IMAGE_CHECK_SECONDS = 20


def parse_pairs(text, field):
    """KEY=VALUE lines into a dict; a line without '=' is the user's mistake, named."""
    pairs = {}
    for number, line in enumerate((text or '').splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition('=')
        if not sep or not key.strip():
            raise forms.ValidationError(
                _('Line %(number)d of %(field)s is not KEY=VALUE: %(line)s') % {
                    'number': number, 'field': field, 'line': line.strip()[:60]})
        pairs[key.strip()] = value
    return pairs


class CreateForm(forms.SelfHandlingForm):
    name = forms.CharField(label=_('Name'), max_length=255, required=False)
    image = forms.CharField(label=_('Image'), max_length=255, initial='cirros',
                            validators=[RegexValidator(r'^[a-zA-Z0-9][a-zA-Z0-9_./:@-]*$',
                                                       _('Not an image reference (such as cirros or nginx:latest).'))],
                            help_text=_('An image the container service has, such as cirros.'))
    command = forms.CharField(label=_('Command'), max_length=1024, required=False,
                              help_text=_('Split like a shell would: ping -c 4 127.0.0.1'))
    cpu = forms.FloatField(label=_('CPU'), min_value=0.1, max_value=16, required=False,
                           widget=forms.TextInput(), help_text=_('Virtual CPUs, such as 0.5'))
    memory = forms.CharField(label=_('Memory (MiB)'), max_length=16, required=False,
                             help_text=_('In MiB (512), or with a unit (512M, 1G)'))
    environment = forms.CharField(label=_('Environment'), required=False,
                                  widget=forms.Textarea(attrs={'rows': 3}),
                                  help_text=_('KEY=VALUE, one per line'))
    labels = forms.CharField(label=_('Labels'), required=False, widget=forms.Textarea(attrs={'rows': 2}),
                             help_text=_('KEY=VALUE, one per line'))
    restart_policy = forms.ChoiceField(label=_('Restart Policy'), choices=RESTART_POLICIES, required=False)
    run = forms.BooleanField(label=_('Run now'), initial=True, required=False,
                             help_text=_('Start the container once it is created'))

    def clean_memory(self):
        text = self.cleaned_data.get('memory', '')
        if not text.strip():
            return None
        match = MEMORY.match(text)
        if not match:
            raise forms.ValidationError(_('Enter the memory in MiB (such as 512) or with a unit (512M, 1G).'))
        amount = int(match.group(1))
        if match.group(2) and match.group(2)[0] in 'gG':
            amount *= 1024
        if amount < 4:
            raise forms.ValidationError(_('A container needs at least 4 MiB.'))
        return amount

    def clean_command(self):
        try:
            return shlex.split(self.cleaned_data.get('command', ''))
        except ValueError as e:
            raise forms.ValidationError(_('The command cannot be split: %s') % e)

    def clean_environment(self):
        return parse_pairs(self.cleaned_data.get('environment'), _('Environment'))

    def clean_labels(self):
        return parse_pairs(self.cleaned_data.get('labels'), _('Labels'))

    def handle(self, request, data):
        fields = {'image': data['image'], 'run': data['run']}
        for key in ('name', 'command', 'cpu', 'memory', 'environment', 'labels'):
            if data.get(key) not in (None, '', [], {}):
                fields[key] = str(data[key]) if key == 'memory' else data[key]
        if data.get('restart_policy'):
            fields['restart_policy'] = {'Name': data['restart_policy'], 'MaximumRetryCount': '0'}
        try:
            container = api.container_create(request, **fields)
        except exceptions.NotFound as e:
            self.add_error('image', str(e))
            return False
        except (exceptions.BadRequest, exceptions.Conflict, api.Forbidden) as e:
            self.api_error(str(e))
            return False
        except Exception:
            exceptions.handle(request, _('Unable to create the container.'))
            return False
        failure = self._image_failure(request, container)
        if failure:
            self.add_error('image', failure)
            return False
        messages.success(request, _('Container "%s" created.') % (container.name or container.uuid))
        return container

    @staticmethod
    def _image_failure(request, container):
        """The container service looks the image up after it answers: a missing image puts the container in Error.
        Such a container is deleted again and its reason returned, so the form says it; any other outcome is None."""
        deadline = time.monotonic() + IMAGE_CHECK_SECONDS
        current = container
        while current.status == 'Creating' and time.monotonic() < deadline:
            time.sleep(0.5)
            try:
                current = api.container_get(request, container.uuid)
            except Exception:
                return None
        reason = current.status_reason or ''
        if current.status != 'Error' or 'image' not in reason.lower():
            return None
        try:
            api.container_delete(request, container.uuid)
        except Exception:
            exceptions.handle(request, ignore=True)
        return reason


class ContainerForm(forms.SelfHandlingForm):
    container_id = forms.CharField(widget=forms.HiddenInput())


class RenameForm(ContainerForm):
    name = forms.CharField(label=_('New Name'), max_length=255)

    def handle(self, request, data):
        try:
            api.container_rename(request, data['container_id'], data['name'])
        except (exceptions.BadRequest, exceptions.Conflict) as e:
            self.api_error(str(e))
            return False
        except Exception:
            exceptions.handle(request, _('Unable to rename the container.'))
            return False
        messages.success(request, _('Container renamed to "%s".') % data['name'])
        return True


class KillForm(ContainerForm):
    signal = forms.ChoiceField(label=_('Signal'), choices=SIGNALS, initial='SIGKILL')

    def handle(self, request, data):
        try:
            api.container_kill(request, data['container_id'], data['signal'])
        except Exception:
            exceptions.handle(request, _('Unable to send the signal.'))
            return False
        messages.success(request, _('Sent %s to the container.') % data['signal'])
        return True


class ExecuteForm(ContainerForm):
    command = forms.CharField(label=_('Command'), max_length=1024,
                              help_text=_('Runs in the container; its output is shown here.'))

    def handle(self, request, data):
        try:
            return api.container_execute(request, data['container_id'], data['command'])
        except (exceptions.BadRequest, exceptions.Conflict) as e:
            self.api_error(str(e))
            return False
        except Exception:
            exceptions.handle(request, _('Unable to execute the command.'))
            return False
