"""The container service's API (Zun's, microversion 1.40), called with the logged-in user's token.

Every failure becomes one of Horizon's own exceptions, so `horizon.exceptions.handle` shows it as a message
(or sends the user to log in again) and a page never answers 500 because the service said no or is down.
"""

import json

import requests

from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from openstack_dashboard.api import base

SERVICE_TYPE = 'container'
MICROVERSION = 'container 1.40'
TIMEOUT = 30


class ServiceUnavailable(exceptions.NotAvailable):
    """The container service did not answer, or answered with a server error."""


class Forbidden(exceptions.RecoverableError):
    """The container service refused the call for this user (HTTP 403)."""


class Container(base.APIDictWrapper):
    _attrs = ['uuid', 'name', 'image', 'status', 'task_state', 'status_reason', 'status_detail', 'addresses',
              'host', 'command', 'cpu', 'memory', 'environment', 'labels', 'ports', 'restart_policy',
              'created_at', 'updated_at', 'project_id', 'user_id', 'interactive', 'workdir', 'hostname',
              'image_driver', 'auto_remove', 'auto_heal', 'security_groups', 'disk', 'runtime', 'privileged',
              'healthcheck', 'entrypoint', 'tty', 'cpu_policy', 'registry_id', 'exposed_ports']

    @property
    def id(self):
        return self._apidict['uuid']


class Image(base.APIDictWrapper):
    @property
    def id(self):
        return self._apidict['uuid']


class Host(base.APIDictWrapper):
    @property
    def id(self):
        return self._apidict['uuid']


class Service(base.APIDictWrapper):
    @property
    def id(self):
        return '%s:%s' % (self._apidict['host'], self._apidict['binary'])


def _message(response):
    """The OpenStack error body's detail (`{"errors": [{"detail": ...}]}`), or the body itself."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason
    errors = body.get('errors') if isinstance(body, dict) else None
    if errors and isinstance(errors, list):
        return '; '.join(str(e.get('detail') or e.get('title') or e) for e in errors)
    return str(body)[:300]


def _call(request, method, path, body=None, params=None, raw=False):
    try:
        endpoint = base.url_for(request, SERVICE_TYPE).rstrip('/')
    except exceptions.ServiceCatalogException:
        raise ServiceUnavailable(_('The container service is not in this cloud\'s catalog.'))
    headers = {'X-Auth-Token': request.user.token.id, 'OpenStack-API-Version': MICROVERSION,
               'Accept': 'application/json'}
    try:
        response = requests.request(method, endpoint + path, json=body, params=params, headers=headers,
                                    timeout=TIMEOUT)
    except requests.RequestException as e:
        raise ServiceUnavailable(_('The container service is not answering (%s).') % type(e).__name__)
    if response.status_code == 401:
        raise exceptions.NotAuthenticated(_('The container service did not accept your session; log in again.'))
    if response.status_code == 403:
        raise Forbidden(_('The container service refused: %s') % _message(response))
    if response.status_code == 404:
        raise exceptions.NotFound(_message(response))
    if response.status_code == 409:
        raise exceptions.Conflict(_message(response))
    if 400 <= response.status_code < 500:
        raise exceptions.BadRequest(_message(response))
    if response.status_code >= 500:
        raise ServiceUnavailable(_('The container service failed (HTTP %(status)s): %(message)s') % {
            'status': response.status_code, 'message': _message(response)})
    if raw:
        return response.text
    if response.status_code == 204 or not response.content:
        return None
    return response.json()


def container_list(request, marker=None, limit=None, filters=None):
    """One page of the project's containers, oldest first, and whether there is another page after it."""
    params = dict(filters or {})
    params.update({'sort_key': 'created_at', 'sort_dir': 'asc'})
    if marker:
        params['marker'] = marker
    if limit:
        params['limit'] = limit + 1
    rows = [Container(c) for c in _call(request, 'GET', '/containers', params=params)['containers']]
    has_more = bool(limit) and len(rows) > limit
    return rows[:limit] if limit else rows, has_more


def container_get(request, ident):
    return Container(_call(request, 'GET', '/containers/%s' % ident))


def container_create(request, **fields):
    run = fields.pop('run', False)
    return Container(_call(request, 'POST', '/containers', body=fields, params={'run': 'true'} if run else None))


def container_delete(request, ident, force=False):
    _call(request, 'DELETE', '/containers/%s' % ident, params={'force': 'true'} if force else None)


def container_action(request, ident, action, **params):
    return _call(request, 'POST', '/containers/%s/%s' % (ident, action), params=params or None)


def container_rename(request, ident, name):
    """A new name, through an update (the `rename` action ends at microversion 1.13; from 1.14 a name is changed by PATCH)."""
    return _call(request, 'PATCH', '/containers/%s' % ident, body={'name': name})


def container_kill(request, ident, signal):
    return _call(request, 'POST', '/containers/%s/kill' % ident, params={'signal': signal})


def container_execute(request, ident, command):
    """Runs a command in the container and waits for it: its output and exit code."""
    return _call(request, 'POST', '/containers/%s/execute' % ident, params={'command': command, 'run': 'true'})


def container_logs(request, ident, tail=200):
    """The last lines of the container's output (Zun answers them as one JSON string)."""
    text = _call(request, 'GET', '/containers/%s/logs' % ident,
                 params={'stdout': 'true', 'stderr': 'true', 'timestamps': 'false', 'tail': str(tail)}, raw=True)
    try:
        decoded = json.loads(text)
    except ValueError:
        return text
    return decoded if isinstance(decoded, str) else text


def container_actions(request, ident):
    return _call(request, 'GET', '/containers/%s/container_actions' % ident)['containerActions']


def image_list(request):
    return [Image(i) for i in _call(request, 'GET', '/images')['images']]


def image_pull(request, repo, host):
    """Has a host fetch an image (or find it in its engine) and records it (Zun's `image pull`)."""
    return Image(_call(request, 'POST', '/images', body={'repo': repo, 'host': host}))


def host_list(request):
    return [Host(h) for h in _call(request, 'GET', '/hosts')['hosts']]


def service_list(request):
    return [Service(s) for s in _call(request, 'GET', '/services')['services']]


def service_enable(request, host, binary):
    return _call(request, 'PUT', '/services/enable', body={'host': host, 'binary': binary})


def service_disable(request, host, binary, reason=None):
    body = {'host': host, 'binary': binary}
    if reason:
        body['disabled_reason'] = reason
    return _call(request, 'PUT', '/services/disable', body=body)
