# dockstack: nova's compute API and metadata API in one uwsgi worker (one Python process instead of two).
from nova.api.openstack import wsgi_app

_compute = wsgi_app.init_application("osapi_compute")
_metadata = wsgi_app.init_application("metadata")


def application(environ, start_response):
    app = _metadata if environ.get("SERVER_PORT") == "8775" else _compute
    return app(environ, start_response)
