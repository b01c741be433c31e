from django.urls import re_path

from dockstack_containers.content.hosts import views

urlpatterns = [re_path(r'^$', views.IndexView.as_view(), name='index')]
