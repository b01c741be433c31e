from django.urls import re_path

from dockstack_containers.content.containers import views

CONTAINER = r'^(?P<container_id>[^/]+)/'

urlpatterns = [
    re_path(r'^$', views.IndexView.as_view(), name='index'),
    re_path(r'^create/$', views.CreateView.as_view(), name='create'),
    re_path(CONTAINER + r'$', views.DetailView.as_view(), name='detail'),
    re_path(CONTAINER + r'rename/$', views.RenameView.as_view(), name='rename'),
    re_path(CONTAINER + r'kill/$', views.KillView.as_view(), name='kill'),
    re_path(CONTAINER + r'execute/$', views.ExecuteView.as_view(), name='execute'),
]
