from django.urls import re_path

from dockstack_containers.content.images import views

urlpatterns = [
    re_path(r'^$', views.IndexView.as_view(), name='index'),
    re_path(r'^pull/$', views.PullView.as_view(), name='pull'),
]
